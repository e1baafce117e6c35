/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_APP_H
#define IST_APP_H

#include <sys/types.h>

#include "cli.h"
#include "pci.h"

struct mode_ops;

/* Where the outside world is: the tests point these at fake trees. */
struct app_env {
	uid_t euid;
	const char *sysfs;	/* "/sys" */
	const char *procfs;	/* "/proc" */
	const char *devfs;	/* "/dev" */
	/* runs the chosen mode: NULL is the mode's own run (the tests record the call) */
	int (*run_mode)(const struct mode_ops *m, const struct opts *o,
			const struct app_env *env, const struct pci_dev *dev);
};

/* Parse, check the environment, run the mode; returns the exit code. */
int app_run(int argc, char **argv, const struct app_env *env);

#endif
