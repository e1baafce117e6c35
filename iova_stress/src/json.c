// SPDX-License-Identifier: GPL-2.0
/* Streaming JSON writer: enough for one report object per line. */
#include <inttypes.h>
#include <math.h>

#include "json.h"

void jw_init(struct jw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->need_comma[0] = false;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Separator and key before any value. */
static void prefix(struct jw *w, const char *key)
{
	if (w->need_comma[w->depth])
		fputc(',', w->f);
	w->need_comma[w->depth] = true;
	if (key) {
		put_string(w->f, key);
		fputc(':', w->f);
	}
}

static void begin_(struct jw *w, const char *key, char c)
{
	prefix(w, key);
	fputc(c, w->f);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

static void end_(struct jw *w, char c)
{
	fputc(c, w->f);
	if (w->depth > 0)
		w->depth--;
	if (w->depth == 0)
		fputc('\n', w->f);
}

void jw_obj_begin(struct jw *w, const char *key)
{
	begin_(w, key, '{');
}

void jw_obj_end(struct jw *w)
{
	end_(w, '}');
}

void jw_arr_begin(struct jw *w, const char *key)
{
	begin_(w, key, '[');
}

void jw_arr_end(struct jw *w)
{
	end_(w, ']');
}

void jw_u64(struct jw *w, const char *key, uint64_t v)
{
	prefix(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

void jw_i64(struct jw *w, const char *key, int64_t v)
{
	prefix(w, key);
	fprintf(w->f, "%" PRId64, v);
}

void jw_double(struct jw *w, const char *key, double v)
{
	prefix(w, key);
	if (!isfinite(v))
		fputs("null", w->f);
	else
		fprintf(w->f, "%.10g", v);
}

void jw_str(struct jw *w, const char *key, const char *s)
{
	prefix(w, key);
	if (s)
		put_string(w->f, s);
	else
		fputs("null", w->f);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	prefix(w, key);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *key)
{
	prefix(w, key);
	fputs("null", w->f);
}
