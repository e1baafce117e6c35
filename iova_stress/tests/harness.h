/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small unit-test harness in the spirit of the kernel's
 * kselftest_harness.h: TEST(name) { CHECK(...); ASSERT(...); }
 *
 * Every test runs in a process of its own (fork) with a timeout, so a test
 * that hangs, crashes or exits counts as one failure and the run goes on
 * to the next test and to the closing "N passed, N failed" line.
 * CHECK*() (kselftest's EXPECT) records a failure and goes on; ASSERT*()
 * records it and ends the test.  A failure names its test and the line in
 * the test: a helper that checks is called through T_CALL()/T_DO(), and
 * its failures are reported at the test's line (the helper's in brackets).
 */
#ifndef IST_HARNESS_H
#define IST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Seconds a test may take (ASan, a loaded 2-core host); IST_TEST_TIMEOUT overrides. */
#define T_DEFAULT_TIMEOUT 120

void t_register(const char *name, void (*fn)(void), unsigned timeout_s);
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* End the current test now, as failed (after t_fail). */
void t_abort(void) __attribute__((noreturn));
/*
 * End the current test now as skipped: what it needs is not there (it
 * counts as passed; the runner prints the reason).
 */
void t_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Name of the test being run. */
const char *t_current(void);

/* Call-site stack for helpers that check (see T_CALL). */
void t_enter(const char *file, int line);
void t_leave(void);

#define TEST_TIMEOUT(name, seconds)					\
	static void test_##name(void);					\
	__attribute__((constructor)) static void reg_##name(void)	\
	{								\
		t_register(#name, test_##name, seconds);		\
	}								\
	static void test_##name(void)

#define TEST(name) TEST_TIMEOUT(name, 0)

/*
 * Call a checking helper so that its failures are reported at this line:
 * T_CALL for one that returns a value, T_DO for a void one.  Tests wrap
 * their helpers in a macro of the helper's name, e.g.
 *   #define parse(...) T_CALL(parse_(__VA_ARGS__))
 */
#define T_CALL(call) __extension__ ({					\
	t_enter(__FILE__, __LINE__);					\
	__typeof__(call) t_ret_ = (call);				\
	t_leave();							\
	t_ret_;								\
})
#define T_DO(call) do {							\
	t_enter(__FILE__, __LINE__);					\
	call;								\
	t_leave();							\
} while (0)

#define T_CHECK_OR(fail_action, cond)					\
	do {								\
		if (!(cond)) {						\
			t_fail(__FILE__, __LINE__, "%s", #cond);	\
			fail_action;					\
		}							\
	} while (0)

#define T_CMP_U64(fail_action, a, b)					\
	do {								\
		uint64_t a_ = (a), b_ = (b);				\
		if (a_ != b_) {						\
			t_fail(__FILE__, __LINE__, "%s == %s: %" PRIu64	\
			       " != %" PRIu64, #a, #b, a_, b_);		\
			fail_action;					\
		}							\
	} while (0)

#define T_CMP_INT(fail_action, a, b)					\
	do {								\
		long long a_ = (a), b_ = (b);				\
		if (a_ != b_) {						\
			t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
			       #a, #b, a_, b_);				\
			fail_action;					\
		}							\
	} while (0)

#define T_CMP_STR(fail_action, a, b)					\
	do {								\
		const char *a_ = (a), *b_ = (b);			\
		if (strcmp(a_, b_)) {					\
			t_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
			       #a, #b, a_, b_);				\
			fail_action;					\
		}							\
	} while (0)

/* Record a failure and go on (kselftest's EXPECT_*). */
#define CHECK(cond)		T_CHECK_OR((void)0, cond)
#define CHECK_U64(a, b)		T_CMP_U64((void)0, a, b)
#define CHECK_INT(a, b)		T_CMP_INT((void)0, a, b)
#define CHECK_STR(a, b)		T_CMP_STR((void)0, a, b)
/* Record a failure and end the test. */
#define ASSERT(cond)		T_CHECK_OR(t_abort(), cond)
#define ASSERT_U64(a, b)	T_CMP_U64(t_abort(), a, b)
#define ASSERT_INT(a, b)	T_CMP_INT(t_abort(), a, b)
#define ASSERT_STR(a, b)	T_CMP_STR(t_abort(), a, b)

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
