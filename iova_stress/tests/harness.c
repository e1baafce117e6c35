// SPDX-License-Identifier: GPL-2.0
/* Test helpers: output capture, JSON syntax check, temporary trees. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* ---- capture (a stack of two) ---- */

static struct {
	int fd, saved;
	FILE *file;
} cap[2];
static int ncap;
static char *cap_buf;

void capture_begin(int fd)
{
	if (ncap >= 2)
		abort();
	fflush(stdout);
	fflush(stderr);
	cap[ncap].file = tmpfile();
	if (!cap[ncap].file)
		abort();
	cap[ncap].fd = fd;
	cap[ncap].saved = dup(fd);
	dup2(fileno(cap[ncap].file), fd);
	ncap++;
}

const char *capture_end(void)
{
	FILE *f;
	long n;

	if (!ncap)
		abort();
	ncap--;
	fflush(stdout);
	fflush(stderr);
	dup2(cap[ncap].saved, cap[ncap].fd);
	close(cap[ncap].saved);
	f = cap[ncap].file;
	n = ftell(f);
	if (n < 0)
		n = 0;
	free(cap_buf);
	cap_buf = calloc(1, (size_t)n + 1);
	rewind(f);
	if (n && fread(cap_buf, 1, (size_t)n, f) != (size_t)n)
		cap_buf[0] = 0;
	fclose(f);
	return cap_buf;
}

static int mute_fd = -1, mute_saved = -1;

void mute_begin(int fd)
{
	int null = open("/dev/null", O_WRONLY);

	fflush(stdout);
	fflush(stderr);
	mute_fd = fd;
	mute_saved = dup(fd);
	dup2(null, fd);
	close(null);
}

void mute_end(void)
{
	fflush(stdout);
	fflush(stderr);
	dup2(mute_saved, mute_fd);
	close(mute_saved);
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* ---- JSON syntax check (recursive descent) ---- */

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *value(const char *p, int depth);

static const char *string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *number(const char *p)
{
	const char *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		s = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		s = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == s)
			return NULL;
	}
	return p;
}

static const char *value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = string(ws(p));
				if (!p)
					return NULL;
				p = ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = value(p, depth + 1);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == close)
				return p + 1;
			return NULL;
		}
	}
	if (*p == '"')
		return string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return number(p);
}

int json_validate(const char *s)
{
	const char *p = value(s, 0);

	if (!p)
		return -1;
	return *ws(p) ? -1 : 0;
}

/* ---- temporary trees ---- */

char *tmpdir_make(void)
{
	char *d = strdup("/tmp/iova_stress_test.XXXXXX");

	if (!d || !mkdtemp(d))
		abort();
	return d;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

void tmpdir_remove(char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static void mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

void make_dir(const char *dir, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdirs(path);
}

static void parent_dirs(const char *path)
{
	char buf[4096], *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = 0;
		mkdirs(buf);
	}
}

void write_file(const char *dir, const char *rel, const char *content)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	parent_dirs(path);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(content, f);
	fclose(f);
}

void make_link(const char *dir, const char *rel, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	parent_dirs(path);
	if (symlink(target, path) && errno != EEXIST)
		abort();
}
