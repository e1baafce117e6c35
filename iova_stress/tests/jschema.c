// SPDX-License-Identifier: GPL-2.0
/* JSON parser and JSON Schema subset validator for the tests (jschema.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jschema.h"

#ifndef IST_SCHEMA
#define IST_SCHEMA "schema/result-v2.schema.json"
#endif

/* ---- parser ---- */

struct pstate {
	const char *p;
	int depth;
};

static void skip_ws(struct pstate *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string at ps->p (the opening quote) into a new buffer; NULL on error. */
static char *parse_string(struct pstate *ps)
{
	size_t cap = 16, n = 0;
	char *out = malloc(cap);

	if (!out || *ps->p != '"')
		goto fail;
	ps->p++;
	for (;;) {
		unsigned char c = (unsigned char)*ps->p++;

		if (n + 8 >= cap) {
			char *t = realloc(out, cap *= 2);

			if (!t)
				goto fail;
			out = t;
		}
		if (c == '"')
			break;
		if (c < 0x20)
			goto fail;
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"': case '\\': case '/':
			out[n++] = (char)c;
			break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			int v = 0;

			for (int i = 0; i < 4; i++) {
				int h = hexval(*ps->p++);

				if (h < 0)
					goto fail;
				v = v * 16 + h;
			}
			/* the tests' texts are ASCII: anything else as '?' */
			out[n++] = v < 0x80 ? (char)v : '?';
			break;
		}
		default:
			goto fail;
		}
	}
	out[n] = 0;
	return out;
fail:
	free(out);
	return NULL;
}

static int parse_value(struct pstate *ps, struct jval *v);

static int add_kid(struct jval *v, char *key)
{
	struct jval *k = realloc(v->kids, (v->nkids + 1) * sizeof(*k));

	if (!k)
		return -1;
	v->kids = k;
	memset(&v->kids[v->nkids], 0, sizeof(v->kids[0]));
	if (v->t == J_OBJ) {
		char **keys = realloc(v->keys, (v->nkids + 1) * sizeof(*keys));

		if (!keys)
			return -1;
		v->keys = keys;
		v->keys[v->nkids] = key;
	}
	v->nkids++;
	return 0;
}

static void free_kids(struct jval *v)
{
	for (size_t i = 0; i < v->nkids; i++) {
		free_kids(&v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->s);
}

static int parse_container(struct pstate *ps, struct jval *v, char close)
{
	v->t = close == '}' ? J_OBJ : J_ARR;
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		skip_ws(ps);
		if (v->t == J_OBJ) {
			key = parse_string(ps);
			if (!key)
				return -1;
			skip_ws(ps);
			if (*ps->p++ != ':') {
				free(key);
				return -1;
			}
			/* a key twice means two things: refused */
			for (size_t i = 0; i < v->nkids; i++)
				if (!strcmp(v->keys[i], key)) {
					free(key);
					return -1;
				}
		}
		if (add_kid(v, key)) {
			free(key);
			return -1;
		}
		if (parse_value(ps, &v->kids[v->nkids - 1]))
			return -1;
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ == close)
			return 0;
		return -1;
	}
}

static int parse_number(struct pstate *ps, struct jval *v)
{
	const char *s = ps->p;
	bool frac = false;

	if (*ps->p == '-')
		ps->p++;
	if (*ps->p == '0')
		ps->p++;
	else if (*ps->p >= '1' && *ps->p <= '9')
		while (*ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	else
		return -1;
	if (*ps->p == '.') {
		frac = true;
		ps->p++;
		if (*ps->p < '0' || *ps->p > '9')
			return -1;
		while (*ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (*ps->p == 'e' || *ps->p == 'E') {
		frac = true;
		ps->p++;
		if (*ps->p == '+' || *ps->p == '-')
			ps->p++;
		if (*ps->p < '0' || *ps->p > '9')
			return -1;
		while (*ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	v->t = frac ? J_NUM : J_INT;
	v->n = strtod(s, NULL);
	return 0;
}

static int parse_value(struct pstate *ps, struct jval *v)
{
	int ret;

	if (++ps->depth > 64)
		return -1;
	skip_ws(ps);
	if (*ps->p == '{')
		ret = parse_container(ps, v, '}');
	else if (*ps->p == '[')
		ret = parse_container(ps, v, ']');
	else if (*ps->p == '"') {
		v->t = J_STR;
		v->s = parse_string(ps);
		ret = v->s ? 0 : -1;
	} else if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
		v->t = J_BOOL;
		v->b = *ps->p == 't';
		ps->p += v->b ? 4 : 5;
		ret = 0;
	} else if (!strncmp(ps->p, "null", 4)) {
		v->t = J_NULL;
		ps->p += 4;
		ret = 0;
	} else {
		ret = parse_number(ps, v);
	}
	ps->depth--;
	return ret;
}

struct jval *jparse(const char *text)
{
	struct pstate ps = { text, 0 };
	struct jval *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	if (parse_value(&ps, v) || (skip_ws(&ps), *ps.p)) {
		jfree(v);
		return NULL;
	}
	return v;
}

void jfree(struct jval *v)
{
	if (!v)
		return;
	free_kids(v);
	free(v);
}

const struct jval *jget(const struct jval *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->nkids; i++)
		if (!strcmp(o->keys[i], key))
			return &o->kids[i];
	return NULL;
}

/* ---- validator ---- */

static const char *const type_names[] = {
	[J_NULL] = "null", [J_BOOL] = "boolean", [J_INT] = "integer", [J_NUM] = "number",
	[J_STR] = "string", [J_ARR] = "array", [J_OBJ] = "object",
};

static bool type_is(const struct jval *v, const char *name)
{
	if (!strcmp(name, "number"))
		return v->t == J_NUM || v->t == J_INT;
	return !strcmp(type_names[v->t], name);
}

static bool jequal(const struct jval *a, const struct jval *b)
{
	bool an = a->t == J_INT || a->t == J_NUM, bn = b->t == J_INT || b->t == J_NUM;

	if (an && bn)
		return a->n == b->n;
	if (a->t != b->t)
		return false;
	switch (a->t) {
	case J_NULL:
		return true;
	case J_BOOL:
		return a->b == b->b;
	case J_STR:
		return !strcmp(a->s, b->s);
	default:
		return false;	/* enum of containers: not used */
	}
}

struct vctx {
	const struct jval *root;
	char *why;
	size_t len;
};

static int fail(struct vctx *c, const char *path, const char *fmt, const char *a)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a);
	snprintf(c->why, c->len, "%s: %s", path, msg);
	return -1;
}

static int validate(struct vctx *c, const struct jval *s, const struct jval *v,
		    const char *path);

static int check_type(struct vctx *c, const struct jval *t, const struct jval *v,
		      const char *path)
{
	if (t->t == J_STR)
		return type_is(v, t->s) ? 0 : fail(c, path, "not of type %s", t->s);
	if (t->t != J_ARR)
		return fail(c, path, "schema: bad %s", "type");
	for (size_t i = 0; i < t->nkids; i++) {
		if (t->kids[i].t != J_STR)
			return fail(c, path, "schema: bad %s", "type");
		if (type_is(v, t->kids[i].s))
			return 0;
	}
	return fail(c, path, "not of any of the types allowed (is %s)", type_names[v->t]);
}

static int check_object(struct vctx *c, const struct jval *s, const struct jval *v,
			const char *path)
{
	const struct jval *req = jget(s, "required"), *props = jget(s, "properties");
	const struct jval *addl = jget(s, "additionalProperties");
	char sub[512];

	if (v->t != J_OBJ)
		return 0;
	for (size_t i = 0; req && i < req->nkids; i++)
		if (req->kids[i].t != J_STR || !jget(v, req->kids[i].s))
			return fail(c, path, "required key '%s' missing",
				    req->kids[i].t == J_STR ? req->kids[i].s : "?");
	for (size_t i = 0; i < v->nkids; i++) {
		const struct jval *ps = jget(props, v->keys[i]);

		snprintf(sub, sizeof(sub), "%s.%s", path, v->keys[i]);
		if (ps) {
			if (validate(c, ps, &v->kids[i], sub))
				return -1;
		} else if (addl && addl->t == J_BOOL && !addl->b) {
			return fail(c, path, "key '%s' is not in the schema", v->keys[i]);
		} else if (addl && addl->t == J_OBJ) {
			if (validate(c, addl, &v->kids[i], sub))
				return -1;
		}
	}
	return 0;
}

static const struct jval *resolve(struct vctx *c, const struct jval *ref, const char *path)
{
	const char *pre = "#/$defs/";
	const struct jval *t;

	if (ref->t != J_STR || strncmp(ref->s, pre, strlen(pre))) {
		fail(c, path, "schema: $ref '%s' is not #/$defs/NAME", ref->t == J_STR ? ref->s : "?");
		return NULL;
	}
	t = jget(jget(c->root, "$defs"), ref->s + strlen(pre));
	if (!t)
		fail(c, path, "schema: $ref '%s' does not resolve", ref->s);
	return t;
}

static int validate(struct vctx *c, const struct jval *s, const struct jval *v,
		    const char *path)
{
	static const char *const known[] = {
		"$schema", "$id", "title", "description", "$defs", "$comment", "type", "enum",
		"required", "properties", "additionalProperties", "items", "oneOf", "$ref",
	};
	const struct jval *k;

	if (s->t != J_OBJ)
		return fail(c, path, "schema: %s is not an object", "a schema");
	for (size_t i = 0; i < s->nkids; i++) {
		bool ok = false;

		for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++)
			ok |= !strcmp(s->keys[i], known[j]);
		if (!ok)
			return fail(c, path, "schema: keyword '%s' is not supported", s->keys[i]);
	}
	if ((k = jget(s, "$ref"))) {
		const struct jval *t = resolve(c, k, path);

		if (!t || validate(c, t, v, path))
			return -1;
	}
	if ((k = jget(s, "type")) && check_type(c, k, v, path))
		return -1;
	if ((k = jget(s, "enum"))) {
		bool ok = false;

		for (size_t i = 0; k->t == J_ARR && i < k->nkids; i++)
			ok |= jequal(&k->kids[i], v);
		if (!ok)
			return fail(c, path, "value not in the %s", "enum");
	}
	if (check_object(c, s, v, path))
		return -1;
	if ((k = jget(s, "items")) && v->t == J_ARR) {
		char sub[512];

		for (size_t i = 0; i < v->nkids; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (validate(c, k, &v->kids[i], sub))
				return -1;
		}
	}
	if ((k = jget(s, "oneOf"))) {
		char first[512] = "", *save = c->why;
		size_t save_len = c->len, matched = 0;

		for (size_t i = 0; k->t == J_ARR && i < k->nkids; i++) {
			char scratch[512];

			c->why = scratch;
			c->len = sizeof(scratch);
			if (!validate(c, &k->kids[i], v, path))
				matched++;
			else if (!first[0])
				snprintf(first, sizeof(first), "%s", scratch);
		}
		c->why = save;
		c->len = save_len;
		if (matched != 1) {
			if (matched)
				return fail(c, path, "matches more than one of %s", "oneOf");
			snprintf(c->why, c->len, "%s (no oneOf branch matches)", first);
			return -1;
		}
	}
	return 0;
}

int jschema_validate(const struct jval *root, const struct jval *schema,
		     const struct jval *instance, char *why, size_t len)
{
	struct vctx c = { root, why, len };

	why[0] = 0;
	return validate(&c, schema, instance, "$");
}

static struct jval *load_schema(void)
{
	static struct jval *schema;
	char *text;
	long n;
	FILE *f;

	if (schema)
		return schema;
	f = fopen(IST_SCHEMA, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	if (text && fread(text, 1, (size_t)n, f) == (size_t)n)
		schema = jparse(text);
	free(text);
	fclose(f);
	return schema;
}

int result_schema_check(const char *text, char *why, size_t len)
{
	const struct jval *schema = load_schema();
	int lines = 0;

	if (!schema) {
		snprintf(why, len, "cannot load %s", IST_SCHEMA);
		return -1;
	}
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (*p == '{') {
			char *line = strndup(p, n);
			struct jval *v = line ? jparse(line) : NULL;
			int ret;

			if (!v) {
				snprintf(why, len, "not JSON: %.200s", line ? line : "");
				free(line);
				return -1;
			}
			ret = jschema_validate(schema, schema, v, why, len);
			jfree(v);
			free(line);
			if (ret)
				return -1;
			lines++;
		}
		p = nl ? nl + 1 : NULL;
	}
	if (!lines) {
		snprintf(why, len, "no JSON object in the output");
		return -1;
	}
	return 0;
}
