/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_JSCHEMA_H
#define IST_JSCHEMA_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A small JSON parser and a validator for the subset of JSON Schema that
 * schema/result-v2.schema.json uses: type (a name or a list; "integer" is
 * a number written without fraction or exponent), enum, required,
 * properties, additionalProperties (false or a schema), items, oneOf,
 * $ref to "#/$defs/NAME", and the annotations $schema, $id, title,
 * description and $defs.  Any other keyword is an error, so that the
 * schema cannot use something this validator would ignore.
 */
enum jtype { J_NULL, J_BOOL, J_INT, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype t;
	bool b;
	double n;
	char *s;		/* J_STR */
	size_t nkids;		/* J_ARR elements, J_OBJ members */
	struct jval *kids;
	char **keys;		/* J_OBJ */
};

/* Parse one JSON value (trailing blanks allowed); NULL on a syntax error. */
struct jval *jparse(const char *text);
void jfree(struct jval *v);
/* The member key of object o, or NULL. */
const struct jval *jget(const struct jval *o, const char *key);

/*
 * Validate instance against schema (root: the document $ref resolves in).
 * 0, or -1 with the first failure ("$.uring.lat_ns: key 'p50' missing")
 * in why.
 */
int jschema_validate(const struct jval *root, const struct jval *schema,
		     const struct jval *instance, char *why, size_t len);

/*
 * Every line of text that starts with '{' against the result schema
 * (schema/result-v2.schema.json, loaded once); 0, or -1 with why.  No such
 * line is an error too.
 */
int result_schema_check(const char *text, char *why, size_t len);

/* In a test: the output's JSON lines hold to the result schema. */
#define CHECK_SCHEMA(text) do {						\
	char why_[512];							\
	if (result_schema_check((text), why_, sizeof(why_)))		\
		t_fail(__FILE__, __LINE__, "schema: %s", why_);		\
} while (0)

#endif
