/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_JSON_H
#define IST_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16

/* A minimal streaming writer of compact, single-line JSON. */
struct jw {
	FILE *f;
	int depth;
	bool need_comma[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f);
/* key is NULL for the top-level value and for array elements. */
void jw_obj_begin(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_i64(struct jw *w, const char *key, int64_t v);
/* Non-finite doubles are written as null (JSON has no NaN). */
void jw_double(struct jw *w, const char *key, double v);
void jw_str(struct jw *w, const char *key, const char *s);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);

#endif
