// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "json.h"

static char *render(void (*fn)(struct jw *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jw w;

	jw_init(&w, f);
	fn(&w);
	fclose(f);
	return buf;
}

static void doc1(struct jw *w)
{
	jw_obj_begin(w, NULL);
	jw_str(w, "mode", "sweep");
	jw_u64(w, "n", 18446744073709551615ULL);
	jw_i64(w, "d", -5);
	jw_double(w, "x", 1.5);
	jw_double(w, "nan", NAN);
	jw_double(w, "inf", INFINITY);
	jw_bool(w, "t", true);
	jw_null(w, "z");
	jw_str(w, "s", NULL);
	jw_obj_begin(w, "o");
	jw_u64(w, "p50", 1);
	jw_obj_end(w);
	jw_arr_begin(w, "a");
	jw_u64(w, NULL, 1);
	jw_u64(w, NULL, 2);
	jw_obj_begin(w, NULL);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
}

TEST(json_writer)
{
	char *s = render(doc1);

	CHECK_STR(s, "{\"mode\":\"sweep\",\"n\":18446744073709551615,\"d\":-5,\"x\":1.5,"
		  "\"nan\":null,\"inf\":null,\"t\":true,\"z\":null,\"s\":null,"
		  "\"o\":{\"p50\":1},\"a\":[1,2,{}]}\n");
	CHECK_INT(json_validate(s), 0);
	free(s);
}

static void doc_escapes(struct jw *w)
{
	jw_obj_begin(w, NULL);
	jw_str(w, "k\"ey", "a\"b\\c\nd\te\x01\x7f/");
	jw_obj_end(w);
}

TEST(json_escapes)
{
	char *s = render(doc_escapes);

	CHECK_STR(s, "{\"k\\\"ey\":\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f/\"}\n");
	CHECK_INT(json_validate(s), 0);
	free(s);
}

TEST(json_validator_self_check)
{
	CHECK_INT(json_validate("{}"), 0);
	CHECK_INT(json_validate("{\"a\":[1,-2.5e3,true,null,\"x\"]}\n"), 0);
	CHECK_INT(json_validate("{\"a\":}"), -1);
	CHECK_INT(json_validate("{\"a\":1,}"), -1);
	CHECK_INT(json_validate("{\"a\":nan}"), -1);
	CHECK_INT(json_validate("{\"a\":01}"), -1);
	CHECK_INT(json_validate("{} {}"), -1);
	CHECK_INT(json_validate("\"\x01\""), -1);
}
