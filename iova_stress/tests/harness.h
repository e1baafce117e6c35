/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny unit-test harness: TEST(name) { CHECK(...); } */
#ifndef IST_HARNESS_H
#define IST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

void t_register(const char *name, void (*fn)(void));
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST(name)							\
	static void test_##name(void);					\
	__attribute__((constructor)) static void reg_##name(void)	\
	{								\
		t_register(#name, test_##name);				\
	}								\
	static void test_##name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			t_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_U64(a, b)							\
	do {								\
		uint64_t a_ = (a), b_ = (b);				\
		if (a_ != b_)						\
			t_fail(__FILE__, __LINE__, "%s == %s: %" PRIu64	\
			       " != %" PRIu64, #a, #b, a_, b_);		\
	} while (0)

#define CHECK_INT(a, b)							\
	do {								\
		long long a_ = (a), b_ = (b);				\
		if (a_ != b_)						\
			t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
			       #a, #b, a_, b_);				\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (strcmp(a_, b_))					\
			t_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
			       #a, #b, a_, b_);				\
	} while (0)

/*
 * Capture what the code under test writes to fd 2 (or 1) into a buffer;
 * capture_end() returns it (valid until the next capture_end()).  Two
 * captures nest: the last begun ends first.
 */
void capture_begin(int fd);
const char *capture_end(void);
/* Send fd to /dev/null until mute_end(). */
void mute_begin(int fd);
void mute_end(void);
/* Number of '\n'-terminated lines in s. */
int count_lines(const char *s);

/* A strict JSON syntax check: 0 if s is exactly one JSON value (+ '\n'). */
int json_validate(const char *s);

/* Make a temporary directory tree for fake sysfs/procfs/devfs. */
char *tmpdir_make(void);
void tmpdir_remove(char *dir);
void write_file(const char *dir, const char *rel, const char *content);
void make_dir(const char *dir, const char *rel);
void make_link(const char *dir, const char *rel, const char *target);

#endif
