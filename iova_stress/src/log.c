// SPDX-License-Identifier: GPL-2.0
/* Error reporting, clock, file and signal helpers shared by every mode. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

volatile int ist_stop;

static void vline(const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* Exactly one line, whatever the message contains. */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fflush(stdout);
	fprintf(stderr, "iova_stress: %s\n", buf);
	fflush(stderr);
}

int ist_err(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
	return code;
}

void ist_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(fmt, ap);
	va_end(ap);
}

int errno_exit(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ENOTDIR:
		return EX_NODEV;
	case EACCES:
	case EPERM:
		return EX_NOTROOT;
	case EBUSY:
		return EX_BUSY;
	default:
		return EX_FAIL;
	}
}

int str_copy(char *dst, const char *src, size_t len)
{
	size_t n = strlen(src);

	if (!len)
		return -1;
	if (n >= len) {
		memcpy(dst, src, len - 1);
		dst[len - 1] = 0;
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int read_small_file(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	ist_stop = 1;
}

void ist_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
