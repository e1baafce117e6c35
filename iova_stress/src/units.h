/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_UNITS_H
#define IST_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Why a parse failed: every failure is negative, so "if (parse_...())" works. */
enum units_err {
	UNITS_BAD = -1,		/* not a number of that kind */
	UNITS_TOO_LARGE = -2,	/* above the maximum, or beyond 64 bits */
	UNITS_TOO_SMALL = -3,	/* below the minimum (seconds: not > 0) */
};

/*
 * "4096", "0x1000", "4K", "2M", "64G", "16T", "1P" (binary units, case
 * insensitive, optional "B"/"iB" suffix).  0, UNITS_BAD on bad syntax,
 * UNITS_TOO_LARGE beyond 64 bits ("16E").
 */
int parse_size(const char *s, uint64_t *out);

/* Plain unsigned integer (decimal or 0x hex) in [min, max]: 0 or a units_err. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Seconds: "10", "0.5", "10s", "250ms"; must be > 0 (else UNITS_TOO_SMALL)
 * and <= SECONDS_MAX (else UNITS_TOO_LARGE).
 */
#define SECONDS_MAX 1e7
int parse_seconds(const char *s, double *out);

/*
 * Format a byte count with a binary unit: 4096 -> "4K", 1<<36 -> "64G",
 * 134230016 -> "128.01M", 0 -> "0".  Returns buf.
 */
char *fmt_size(char *buf, size_t len, uint64_t bytes);
/* Signed, always with a sign: "+128M", "-8K", "+0". */
char *fmt_ssize(char *buf, size_t len, int64_t bytes);

/* Nanoseconds as "850ns", "12.3us", "1.20ms", "2.500s".  Returns buf. */
char *fmt_ns(char *buf, size_t len, double ns);

#endif
