// SPDX-License-Identifier: GPL-2.0
/*
 * The uring mode for real, on a regular file (open_dev() takes one as well
 * as a block device): reads, JSON, an interrupted run's reports, and the
 * refusals.  Skipped where io_uring or O_DIRECT is not available.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app.h"
#include "common.h"
#include "harness.h"
#include "jschema.h"
#include "mode.h"


static char out[1 << 14], err[1 << 12];

/* A file of size bytes in dir; returns its path (static). */
static const char *make_image(const char *dir, const char *name, off_t size)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || ftruncate(fd, size))
		abort();
	close(fd);
	/* tmpfs and some others refuse O_DIRECT (EINVAL) */
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		t_skip("%s: no O_DIRECT on this file system", path);
	close(fd);
	return path;
}

/* The mode with args; output into out, err; an error is one line and no report. */
static int run_(const char *const *args)
{
	char *argv[24] = { "iova_stress", "uring" };
	const struct app_env env = { 0, "/nonexistent", "/nonexistent", "/nonexistent", NULL };
	struct opts o;
	int argc = 2, ret;

	for (; args[argc - 2] && argc < 23; argc++)
		argv[argc] = (char *)args[argc - 2];
	argv[argc] = NULL;
	capture_begin(2);
	ret = cli_parse(argc, argv, &o);
	snprintf(err, sizeof(err), "%s", capture_end());
	if (ret) {
		t_fail(__FILE__, __LINE__, "cli_parse failed: %s", err);
		return -1;
	}
	capture_begin(2);
	capture_begin(1);
	ret = mode_uring.run(&o, &env, NULL);
	snprintf(out, sizeof(out), "%s", capture_end());
	snprintf(err, sizeof(err), "%s", capture_end());
	if (strstr(err, "io_uring_queue_init: "))
		t_skip("no io_uring here: %s", err);
	return ret;
}
#define run(...) T_CALL(run_(__VA_ARGS__))

TEST(uring_reads_a_file)
{
	char *dir = tmpdir_make();
	const char *img = make_image(dir, "disk.img", 1 << 20);
	const char *const json[] = { "--dev", img, "--qd", "4", "--duration", "200ms", "--json",
				     "-q", NULL };
	const char *const human[] = { "--dev", img, "--qd", "1", "--bs", "8K", "--duration",
				      "100ms", NULL };

	CHECK_INT(run(json), 0);
	CHECK_STR(err, "");
	CHECK_INT(json_validate(out), 0);
	CHECK_SCHEMA(out);
	CHECK(strstr(out, ",\"mode\":\"uring\",\"backend\":null,\"device\":null,"));
	CHECK(strstr(out, "\"size_bytes\":null,"));
	CHECK(strstr(out, "\"dev_size_bytes\":1048576,"));
	CHECK(strstr(out, "\"interrupted\":false,"));
	CHECK(strstr(out, "\"uring\":{\"dev\":\""));
	CHECK(strstr(out, ",\"qd\":4,\"bs\":4096,"));
	CHECK(strstr(out, "\"errors\":0,"));
	CHECK(!strstr(out, "\"ios\":0,"));

	CHECK_INT(run(human), 0);
	CHECK(!strncmp(out, "uring: qd 1 iops: ", 18));
	CHECK(strstr(out, "(1M), qd 1, bs 8K, random O_DIRECT reads\n"));
	CHECK(strstr(out, " reads in 0."));
	CHECK(!strstr(out, "INTERRUPTED"));
	tmpdir_remove(dir);
}

/* A signal: the reads in flight complete, and every report says so. */
TEST(uring_interrupted_says_so)
{
	char *dir = tmpdir_make();
	const char *img = make_image(dir, "disk.img", 1 << 20);
	const char *const human[] = { "--dev", img, "--qd", "2", "--duration", "5", NULL };
	const char *const json[] = { "--dev", img, "--qd", "2", "--duration", "5", "--json", NULL };

	ist_stop = 1;
	CHECK_INT(run(human), EX_FAIL);
	CHECK_STR(err, "iova_stress: interrupted\n");
	CHECK(strstr(out, "\nINTERRUPTED:     by a signal after "));
	CHECK(strstr(out, "the figures cover only the part that ran\n"));
	CHECK_INT(run(json), EX_FAIL);
	CHECK_INT(json_validate(out), 0);
	CHECK_SCHEMA(out);
	CHECK(strstr(out, "\"interrupted\":true,"));
	ist_stop = 0;
	tmpdir_remove(dir);
}

TEST(uring_refusals)
{
	char *dir = tmpdir_make();
	char missing[512];
	const char *small = make_image(dir, "small.img", 100);
	const char *const a[] = { "--dev", missing, "--duration", "100ms", NULL };
	const char *const c[] = { "--dev", small, "--duration", "100ms", NULL };

	snprintf(missing, sizeof(missing), "%s/nvme9n1", dir);
	CHECK_INT(run(a), EX_NODEV);
	CHECK(strstr(err, "iova_stress: no such device: "));
	CHECK_INT(run(c), EX_FAIL);
	CHECK(strstr(err, "small.img is smaller than one 4096-byte block\n"));
	CHECK_STR(out, "");
	CHECK_INT(count_lines(err), 1);
	tmpdir_remove(dir);
}
