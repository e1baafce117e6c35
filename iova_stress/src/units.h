/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_UNITS_H
#define IST_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * "4096", "0x1000", "4K", "2M", "64G", "16T", "1P" (binary units, case
 * insensitive, optional "B"/"iB" suffix).  0 on success, -1 on bad syntax
 * or overflow.
 */
int parse_size(const char *s, uint64_t *out);

/* Plain unsigned integer (decimal or 0x hex) in [min, max]. */
int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Seconds: "10", "0.5", "10s", "250ms"; must be > 0 and <= 1e7. */
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
