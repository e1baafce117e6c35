// SPDX-License-Identifier: GPL-2.0
/* Exit codes of app_run() against fake /sys and /dev trees. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "common.h"
#include "harness.h"
#include "mode.h"
#include "stubs.h"

struct env_tree {
	char *root;
	char sys[512], dev[512], proc[512];
	struct app_env env;
};

static void tree_make(struct env_tree *t, bool edu, bool iommufd)
{
	t->root = tmpdir_make();
	snprintf(t->sys, sizeof(t->sys), "%s/sys", t->root);
	snprintf(t->dev, sizeof(t->dev), "%s/dev", t->root);
	snprintf(t->proc, sizeof(t->proc), "%s/proc", t->root);
	make_dir(t->root, "dev/vfio");
	make_dir(t->root, "proc");
	make_dir(t->root, "sys/bus/pci/drivers/vfio-pci");
	write_file(t->root, "dev/vfio/vfio", "");
	if (iommufd)
		write_file(t->root, "dev/iommu", "");
	if (edu) {
		write_file(t->root, "sys/devices/p/0000:00:03.0/vendor", "0x1234\n");
		write_file(t->root, "sys/devices/p/0000:00:03.0/device", "0x11e8\n");
		write_file(t->root, "sys/devices/p/0000:00:03.0/vfio-dev/vfio0/dev", "");
		make_link(t->root, "sys/devices/p/0000:00:03.0/iommu_group", "../../../kernel/iommu_groups/4");
		make_link(t->root, "sys/bus/pci/devices/0000:00:03.0", "../../../devices/p/0000:00:03.0");
		make_link(t->root, "sys/devices/p/0000:00:03.0/driver", "../../../bus/pci/drivers/vfio-pci");
		make_link(t->root, "sys/bus/pci/drivers/vfio-pci/0000:00:03.0", "../../../../devices/p/0000:00:03.0");
	}
	t->env.euid = 0;
	t->env.sysfs = t->sys;
	t->env.devfs = t->dev;
	t->env.procfs = t->proc;
	t->env.run_mode = stub_run;
}

/* Run app_run; check the code and that an error is exactly one line. */
static void run_(struct env_tree *t, int want, const char *want_mode, ...)
{
	char *argv[16] = { "iova_stress" };
	int argc = 1, ret;
	const char *err;
	va_list ap;
	char *a;

	va_start(ap, want_mode);
	while ((a = va_arg(ap, char *)) && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	memset(&stub_last, 0, sizeof(stub_last));
	mute_begin(1);
	capture_begin(2);
	ret = app_run(argc, argv, &t->env);
	err = capture_end();
	mute_end();
	if (ret != want)
		t_fail(__FILE__, __LINE__, "%s %s: exit %d, want %d (%s)", argv[1] ? argv[1] : "",
		       argc > 2 ? argv[2] : "", ret, want, err);
	if (want && want != stub_last.ret &&
	    (count_lines(err) != 1 || strncmp(err, "iova_stress: ", 13)))
		t_fail(__FILE__, __LINE__, "error is not one 'iova_stress:' line: '%s'", err);
	if (want_mode) {
		if (!stub_last.what || strcmp(stub_last.what, want_mode))
			t_fail(__FILE__, __LINE__, "mode %s not called", want_mode);
	} else if (stub_last.what) {
		t_fail(__FILE__, __LINE__, "mode %s called unexpectedly", stub_last.what);
	}
}
#define run(...) T_DO(run_(__VA_ARGS__))

/* The exit code of mode MODE (stubbed to return CODE) goes through unchanged. */
static void passes_through_(struct env_tree *t, char *mode, int code)
{
	char *argv[] = { "iova_stress", mode, NULL };

	stub_last.ret = code;
	capture_begin(2);
	stub_last.what = NULL;
	CHECK_INT(app_run(2, argv, &t->env), code);
	CHECK_STR(stub_last.what, mode);
	capture_end();
	stub_last.ret = 0;
}
#define passes_through(...) T_DO(passes_through_(__VA_ARGS__))

TEST(app_exit_codes)
{
	struct env_tree t;

	tree_make(&t, true, true);
	run(&t, EX_OK, "sweep", NULL);
	CHECK_STR(stub_last.dev.bdf, "0000:00:03.0");
	CHECK_INT(stub_last.dev.group, 4);
	run(&t, EX_OK, "verify", "verify", NULL);
	CHECK_U64(stub_last.o.verify, 8);
	run(&t, EX_OK, "threads", "threads", "-p", "churn", "--anchor", "-b", "iommufd", NULL);
	run(&t, EX_OK, "uring", "uring", NULL);
	run(&t, EX_USAGE, NULL, "--size", "12Q", NULL);
	run(&t, EX_USAGE, NULL, "warp", NULL);
	run(&t, EX_OK, NULL, "--help", NULL);
	run(&t, EX_OK, NULL, "help", "threads", NULL);
	run(&t, EX_USAGE, NULL, "help", "bogus", NULL);
	run(&t, EX_OK, NULL, "--version", NULL);
	run(&t, EX_OK, NULL, "threads", "-p", "churn", "--version", NULL);
	run(&t, EX_USAGE, NULL, "threads", "-p", "churn", "--size", "16T", NULL);
	run(&t, EX_NODEV, NULL, "--device", "0000:00:07.0", NULL);

	passes_through(&t, "sweep", EX_APERTURE);

	t.env.euid = 1000;
	run(&t, EX_NOTROOT, NULL, "sweep", NULL);
	run(&t, EX_NOTROOT, NULL, "threads", NULL);
	run(&t, EX_USAGE, NULL, "sweep", "--bogus", NULL);	/* usage first */
	run(&t, EX_OK, NULL, "sweep", "--help", NULL);		/* help needs no root */
	run(&t, EX_OK, "uring", "uring", NULL);			/* uring needs no root */
	tmpdir_remove(t.root);
}

TEST(app_dmamap_dispatch)
{
	struct env_tree t;

	/* no vfio-pci device, no iommufd: dmamap needs neither */
	tree_make(&t, false, false);
	run(&t, EX_OK, "dmamap", "dmamap", NULL);
	CHECK(stub_last.o.mode == &mode_dmamap);
	CHECK_STR(stub_last.o.dev, "/dev/nvme0n1");
	CHECK_U64(stub_last.o.iters, 100000);
	CHECK_U64(stub_last.o.warmup, 1000);
	run(&t, EX_OK, "dmamap", "dmamap", "--dev", "00:04.0", "--iters", "5", "--warmup", "0",
	    "--json", NULL);
	CHECK_STR(stub_last.o.dev, "00:04.0");
	CHECK_U64(stub_last.o.iters, 5);
	CHECK_U64(stub_last.o.warmup, 0);
	CHECK(stub_last.o.json);
	run(&t, EX_USAGE, NULL, "dmamap", "--qd", "4", NULL);
	run(&t, EX_USAGE, NULL, "dmamap", "--iters", "0", NULL);
	run(&t, EX_USAGE, NULL, "sweep", "--iters", "5", NULL);
	run(&t, EX_OK, NULL, "dmamap", "--help", NULL);

	passes_through(&t, "dmamap", EX_NODEV);

	/* not root: no check of its own, the mode finds out opening debugfs */
	t.env.euid = 1000;
	run(&t, EX_OK, "dmamap", "dmamap", NULL);
	tmpdir_remove(t.root);
}

TEST(app_environment_codes)
{
	struct env_tree t;

	tree_make(&t, false, false);
	run(&t, EX_NOIOMMUFD, NULL, "sweep", "--backend", "iommufd", NULL);
	run(&t, EX_NODEV, NULL, "sweep", NULL);			/* nothing bound */
	tmpdir_remove(t.root);

	tree_make(&t, true, false);
	run(&t, EX_NOIOMMUFD, NULL, "threads", "-b", "iommufd", NULL);
	run(&t, EX_OK, "sweep", "sweep", "--verify", "2", NULL);
	tmpdir_remove(t.root);

	/* a bound device that is not edu: fine for sweep, not for verify */
	tree_make(&t, false, true);
	write_file(t.root, "sys/devices/p/0000:00:02.0/vendor", "0x8086\n");
	write_file(t.root, "sys/devices/p/0000:00:02.0/device", "0x10d3\n");
	make_link(t.root, "sys/devices/p/0000:00:02.0/iommu_group", "../../../kernel/iommu_groups/3");
	make_link(t.root, "sys/bus/pci/devices/0000:00:02.0", "../../../devices/p/0000:00:02.0");
	make_link(t.root, "sys/devices/p/0000:00:02.0/driver", "../../../bus/pci/drivers/vfio-pci");
	make_link(t.root, "sys/bus/pci/drivers/vfio-pci/0000:00:02.0", "../../../../devices/p/0000:00:02.0");
	run(&t, EX_OK, "sweep", "sweep", NULL);
	run(&t, EX_NODEV, NULL, "verify", NULL);
	run(&t, EX_NODEV, NULL, "threads", "-p", "churn", "--anchor", NULL);
	run(&t, EX_NODEV, NULL, "sweep", "-b", "iommufd", NULL);	/* no cdev */
	tmpdir_remove(t.root);
}

/* The one errno-to-exit mapping (log.c), either sign. */
TEST(app_errno_exit)
{
	static const struct {
		int err, code;
	} cases[] = {
		{ ENOENT, EX_NODEV }, { ENODEV, EX_NODEV }, { ENXIO, EX_NODEV },
		{ ENOTDIR, EX_NODEV }, { EACCES, EX_NOTROOT }, { EPERM, EX_NOTROOT },
		{ EBUSY, EX_BUSY }, { ENOMEM, EX_FAIL }, { EINVAL, EX_FAIL }, { EIO, EX_FAIL },
		{ 0, EX_FAIL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_INT(errno_exit(cases[i].err), cases[i].code);
		CHECK_INT(errno_exit(-cases[i].err), cases[i].code);
	}
}
