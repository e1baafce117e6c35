// SPDX-License-Identifier: GPL-2.0
/* Parsing and printing of sizes, counts and durations. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

/*
 * Digits of a decimal or 0x-prefixed hex number; no sign, no blanks.
 * UNITS_TOO_LARGE if they do not fit in 64 bits (*end then points past
 * them, so the caller can still tell a bad suffix).
 */
static int parse_digits(const char *s, uint64_t *out, const char **end)
{
	int base = 10;
	uint64_t v = 0;
	const char *p = s;
	int n = 0;
	bool big = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, n++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			big = true;
		else
			v = v * (uint64_t)base + d;
	}
	if (n == 0)
		return UNITS_BAD;
	*out = v;
	*end = p;
	return big ? UNITS_TOO_LARGE : 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	const char *p, *u;
	uint64_t v;
	unsigned shift = 0;
	int ret;

	if (!s)
		return UNITS_BAD;
	ret = parse_digits(s, &v, &p);
	if (ret == UNITS_BAD)
		return ret;
	if (*p) {
		u = strchr(units, toupper((unsigned char)*p));
		if (u) {
			shift = 10 * (unsigned)(u - units + 1);
			p++;
			if (*p == 'i' && p[1] == 'B')
				p += 2;
			else if (*p == 'B')
				p++;
		} else if (*p == 'B') {
			p++;
		}
	}
	if (*p)
		return UNITS_BAD;
	if (ret || (shift && v > (UINT64_MAX >> shift)))
		return UNITS_TOO_LARGE;
	*out = v << shift;
	return 0;
}

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *p;
	uint64_t v;
	int ret;

	if (!s)
		return UNITS_BAD;
	ret = parse_digits(s, &v, &p);
	if (ret == UNITS_BAD || *p)
		return UNITS_BAD;
	if (ret || v > max)
		return UNITS_TOO_LARGE;
	if (v < min)
		return UNITS_TOO_SMALL;
	*out = v;
	return 0;
}

int parse_seconds(const char *s, double *out)
{
	char *end;
	double v, mul = 1.0;

	if (!s || !(isdigit((unsigned char)s[0]) || s[0] == '.') || strpbrk(s, "xXpP"))
		return UNITS_BAD;
	errno = 0;
	v = strtod(s, &end);
	if (end == s)
		return UNITS_BAD;
	if (!strcmp(end, "ms"))
		mul = 1e-3;
	else if (strcmp(end, "s") && *end)
		return UNITS_BAD;
	/* ERANGE: beyond a double, or so small it underflows */
	if (errno == ERANGE)
		return v > 1.0 ? UNITS_TOO_LARGE : UNITS_TOO_SMALL;
	v *= mul;
	if (!isfinite(v) || v > SECONDS_MAX)
		return UNITS_TOO_LARGE;
	if (v <= 0.0)
		return UNITS_TOO_SMALL;
	*out = v;
	return 0;
}

static char *fmt_mag(char *buf, size_t len, const char *sign, uint64_t b)
{
	static const char units[] = "KMGTPE";
	int i;

	if (b == 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	if (b < 1024) {
		snprintf(buf, len, "%s%lluB", sign, (unsigned long long)b);
		return buf;
	}
	for (i = 5; i > 0; i--)
		if (b >> (10 * (i + 1)))
			break;
	/* i: index of the largest unit not above b */
	{
		unsigned shift = 10 * (unsigned)(i + 1);
		uint64_t unit = 1ULL << shift;

		if ((b & (unit - 1)) == 0)
			snprintf(buf, len, "%s%llu%c", sign,
				 (unsigned long long)(b >> shift), units[i]);
		else
			snprintf(buf, len, "%s%.2f%c", sign,
				 (double)b / (double)unit, units[i]);
	}
	return buf;
}

char *fmt_size(char *buf, size_t len, uint64_t bytes)
{
	return fmt_mag(buf, len, "", bytes);
}

char *fmt_ssize(char *buf, size_t len, int64_t bytes)
{
	if (bytes < 0)
		return fmt_mag(buf, len, "-", -(uint64_t)bytes);
	return fmt_mag(buf, len, "+", (uint64_t)bytes);
}

char *fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns) || ns < 0)
		snprintf(buf, len, "-");
	else if (ns < 1e3)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
	return buf;
}
