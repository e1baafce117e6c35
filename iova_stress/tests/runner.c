// SPDX-License-Identifier: GPL-2.0
/*
 * The test runner: every test in a child process of its own, in its own
 * process group, with a timeout.  The child sends one byte on a pipe when
 * the test function has returned ('P' passed, 'F' failed, 'S' skipped,
 * which counts as passed); a child that
 * dies, exits early or outlives its timeout (killed with its whole group)
 * is one failure, and the run goes on.  The last line is always
 * "N passed, N failed".
 *
 *   run_tests [SUBSTRING]    only the tests whose name contains SUBSTRING
 *   IST_TEST_TIMEOUT=S       every test's timeout, in seconds
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define MAX_TESTS 512
#define MAX_DEPTH 8

static struct test {
	const char *name;
	void (*fn)(void);
	unsigned timeout_s;
} tests[MAX_TESTS];
static int ntests;

/* In the child: the test, its failures, where its helpers were called. */
static const struct test *cur;
static int cur_failures;
static int verdict_fd = -1;
static pid_t test_pid;
static struct {
	const char *file;
	int line;
} calls[MAX_DEPTH];
static int depth;

void t_register(const char *name, void (*fn)(void), unsigned timeout_s)
{
	if (ntests >= MAX_TESTS) {
		fprintf(stderr, "runner: more than %d tests\n", MAX_TESTS);
		abort();
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	tests[ntests].timeout_s = timeout_s;
	ntests++;
}

const char *t_current(void)
{
	return cur ? cur->name : "?";
}

void t_enter(const char *file, int line)
{
	if (depth < MAX_DEPTH) {
		calls[depth].file = file;
		calls[depth].line = line;
	}
	depth++;
}

void t_leave(void)
{
	if (depth > 0)
		depth--;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failures++;
	/* the line in the test; the helper's own line after it */
	if (depth > 0)
		fprintf(stderr, "  FAIL %s: %s:%d [in helper %s:%d]: ", t_current(),
			calls[0].file, calls[0].line, file, line);
	else
		fprintf(stderr, "  FAIL %s: %s:%d: ", t_current(), file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void send_verdict_char(char c)
{
	fflush(stdout);
	fflush(stderr);
	/* a process the test forked must not speak for it */
	if (getpid() == test_pid && write(verdict_fd, &c, 1) != 1)
		_exit(99);
}

static void send_verdict(void)
{
	send_verdict_char(cur_failures ? 'F' : 'P');
}

void t_skip(const char *fmt, ...)
{
	va_list ap;

	if (cur_failures) {
		send_verdict();
		_exit(1);
	}
	fprintf(stderr, "  SKIP %s: ", t_current());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	send_verdict_char('S');
	exit(0);
}

void t_abort(void)
{
	if (!cur_failures)
		cur_failures = 1;
	send_verdict();
	/* no exit handlers: an ended test may leave what it had allocated */
	_exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void child(const struct test *t, int fd)
{
	setpgid(0, 0);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	alarm(0);
	cur = t;
	cur_failures = 0;
	depth = 0;
	verdict_fd = fd;
	test_pid = getpid();
	t->fn();
	send_verdict();
	/* exit(), not _exit(): LeakSanitizer checks each test */
	exit(cur_failures ? 1 : 0);
}

/* Run one test; 1 if it passed.  Explains a failure on stderr. */
static int run_one(const struct test *t, unsigned timeout_s)
{
	double deadline = now_s() + timeout_s;
	bool exited = false, eof = false, timed_out = false;
	char verdict = 0;
	int p[2], status = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe2(p, O_CLOEXEC)) {
		perror("runner: pipe");
		return 0;
	}
	pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		close(p[0]);
		close(p[1]);
		return 0;
	}
	if (pid == 0) {
		close(p[0]);
		child(t, p[1]);
	}
	setpgid(pid, pid);	/* as the child does: no race on who is first */
	close(p[1]);
	while (!exited) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		pid_t w;

		if (!eof && poll(&pfd, 1, 20) > 0) {
			char c;
			ssize_t n = read(p[0], &c, 1);

			if (n == 1)
				verdict = c;
			else if (n == 0)
				eof = true;
		} else if (eof) {
			nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
		}
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			exited = true;
		} else if (w < 0 && errno != EINTR) {
			perror("runner: waitpid");
			break;
		} else if (now_s() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			timed_out = true;
			break;
		}
	}
	/* whatever the test forked goes with it */
	kill(-pid, SIGKILL);
	if (!verdict && !timed_out) {
		char c;

		if (read(p[0], &c, 1) == 1)
			verdict = c;
	}
	close(p[0]);

	if (timed_out)
		fprintf(stderr, "FAIL %s: timed out after %u s (killed)\n", t->name, timeout_s);
	else if (WIFSIGNALED(status))
		fprintf(stderr, "FAIL %s: killed by signal %d (%s)%s\n", t->name,
			WTERMSIG(status), strsignal(WTERMSIG(status)),
			verdict ? " after the test" : "");
	else if (!verdict)
		fprintf(stderr, "FAIL %s: exited with status %d before the test ended (a sanitizer's "
			"report above, or an exit in the code under test)\n", t->name, WEXITSTATUS(status));
	else if (verdict == 'F')
		fprintf(stderr, "FAIL %s\n", t->name);
	else if (verdict == 'S' && !WEXITSTATUS(status)) {
		printf("ok   %s # SKIP\n", t->name);
		return 1;
	}
	else if (WEXITSTATUS(status))
		fprintf(stderr, "FAIL %s: exit status %d after the test passed (a leak?)\n",
			t->name, WEXITSTATUS(status));
	else {
		printf("ok   %s\n", t->name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("IST_TEST_TIMEOUT");
	unsigned forced = env ? (unsigned)strtoul(env, NULL, 10) : 0;
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < ntests; i++) {
		const struct test *t = &tests[i];
		unsigned timeout = forced ? forced : t->timeout_s ? t->timeout_s : T_DEFAULT_TIMEOUT;

		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		if (run_one(t, timeout))
			passed++;
		else
			failed++;
	}
	fflush(stderr);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
