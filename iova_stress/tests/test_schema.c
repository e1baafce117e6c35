// SPDX-License-Identifier: GPL-2.0
/* The JSON Schema subset validator (jschema.c) on small schemas, and the schema file. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "jschema.h"

/* Validate instance text against schema text: 0 or -1 (why kept in last_why). */
static char last_why[512];

static int check_(const char *schema, const char *instance)
{
	struct jval *s = jparse(schema), *v = jparse(instance);
	int ret;

	ASSERT(s);
	ASSERT(v);
	ret = jschema_validate(s, s, v, last_why, sizeof(last_why));
	CHECK(ret == 0 || last_why[0]);
	jfree(s);
	jfree(v);
	return ret;
}
#define check(...) T_CALL(check_(__VA_ARGS__))

TEST(schema_parser)
{
	struct jval *v = jparse(" {\"a\":[1,-2.5e3,true,null,\"x\\n\\u0041\"],\"b\":{}}\n");

	ASSERT(v);
	CHECK_INT(v->t, J_OBJ);
	CHECK_INT(jget(v, "a")->t, J_ARR);
	CHECK_INT(jget(v, "a")->kids[0].t, J_INT);
	CHECK_INT(jget(v, "a")->kids[1].t, J_NUM);
	CHECK_STR(jget(v, "a")->kids[4].s, "x\nA");
	CHECK(!jget(v, "c"));
	jfree(v);
	CHECK(!jparse("{\"a\":1,\"a\":2}"));	/* a key twice */
	CHECK(!jparse("{\"a\":1,}"));
	CHECK(!jparse("[01]"));
	CHECK(!jparse("{} x"));
	CHECK(!jparse("\"\x01\""));
}

TEST(schema_keywords)
{
	static const char *const obj =
		"{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"n\",\"k\"],"
		"\"properties\":{\"n\":{\"type\":\"integer\"},\"k\":{\"enum\":[\"a\",\"b\",null]},"
		"\"x\":{\"type\":[\"number\",\"null\"]},"
		"\"l\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/small\"}}},"
		"\"$defs\":{\"small\":{\"enum\":[1,2]}}}";
	static const char *const one =
		"{\"oneOf\":[{\"properties\":{\"m\":{\"enum\":[\"u\"]},\"v\":{\"type\":\"null\"}}},"
		"{\"properties\":{\"m\":{\"enum\":[\"d\"]},\"v\":{\"type\":\"string\"}}}]}";

	CHECK_INT(check(obj, "{\"n\":1,\"k\":\"a\"}"), 0);
	CHECK_INT(check(obj, "{\"n\":1,\"k\":null,\"x\":2.5,\"l\":[1,2,1]}"), 0);
	CHECK_INT(check(obj, "{\"n\":1,\"k\":\"a\",\"x\":3}"), 0);	/* an integer is a number */
	CHECK_INT(check(obj, "{\"n\":1.5,\"k\":\"a\"}"), -1);		/* not an integer */
	CHECK(strstr(last_why, "$.n: not of type integer"));
	CHECK_INT(check(obj, "{\"n\":1}"), -1);
	CHECK(strstr(last_why, "required key 'k' missing"));
	CHECK_INT(check(obj, "{\"n\":1,\"k\":\"a\",\"extra\":0}"), -1);
	CHECK(strstr(last_why, "key 'extra' is not in the schema"));
	CHECK_INT(check(obj, "{\"n\":1,\"k\":\"c\"}"), -1);
	CHECK(strstr(last_why, "$.k: value not in the enum"));
	CHECK_INT(check(obj, "{\"n\":1,\"k\":\"a\",\"x\":\"s\"}"), -1);
	CHECK_INT(check(obj, "{\"n\":1,\"k\":\"a\",\"l\":[1,3]}"), -1);
	CHECK(strstr(last_why, "$.l[1]: value not in the enum"));
	CHECK_INT(check(obj, "[]"), -1);

	CHECK_INT(check(one, "{\"m\":\"u\",\"v\":null}"), 0);
	CHECK_INT(check(one, "{\"m\":\"d\",\"v\":\"x\"}"), 0);
	CHECK_INT(check(one, "{\"m\":\"u\",\"v\":\"x\"}"), -1);
	CHECK(strstr(last_why, "no oneOf branch matches"));
	CHECK_INT(check("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}", "1"), -1);
	CHECK(strstr(last_why, "more than one"));

	/* what the validator does not know, the schema may not use */
	CHECK_INT(check("{\"minimum\":3}", "1"), -1);
	CHECK(strstr(last_why, "keyword 'minimum' is not supported"));
	CHECK_INT(check("{\"$ref\":\"other.json#/x\"}", "1"), -1);
	CHECK_INT(check("{\"$ref\":\"#/$defs/none\"}", "1"), -1);
}

/* The schema file itself: parses, and every $ref in it resolves. */
TEST(schema_file)
{
	char why[512];

	/* not one JSON line: refused */
	CHECK_INT(result_schema_check("iova_stress: no such device\n", why, sizeof(why)), -1);
	CHECK(strstr(why, "no JSON object") || strstr(why, "cannot load"));
	CHECK_INT(result_schema_check("{\"tool\":\"iova_stress\"}\n", why, sizeof(why)), -1);
	CHECK(strstr(why, "required key 'version' missing"));
}
