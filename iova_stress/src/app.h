/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_APP_H
#define IST_APP_H

#include <sys/types.h>

#include "cli.h"
#include "pci.h"

/* Where the outside world is: the tests point these at fake trees. */
struct app_env {
	uid_t euid;
	const char *sysfs;	/* "/sys" */
	const char *procfs;	/* "/proc" */
	const char *devfs;	/* "/dev" */
};

/* Parse, check the environment, run the mode; returns the exit code. */
int app_run(int argc, char **argv, const struct app_env *env);

/* The modes (sweep.c, threads.c, uring.c, dmamap.c); each returns an exit code. */
int mode_sweep(const struct opts *o, const struct app_env *env, const struct pci_dev *dev);
int mode_threads(const struct opts *o, const struct app_env *env, const struct pci_dev *dev);
int mode_uring(const struct opts *o, const struct app_env *env);
int mode_dmamap(const struct opts *o, const struct app_env *env);

#endif
