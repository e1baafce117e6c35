/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_STUBS_H
#define IST_STUBS_H

#include "cli.h"
#include "pci.h"

struct stub_call {
	const char *what;	/* mode called, NULL if none */
	int ret;		/* what the stub returns */
	struct opts o;
	struct pci_dev dev;
};

extern struct stub_call stub_last;

struct app_env;
struct mode_ops;

/* struct app_env's run_mode for the tests of app_run(). */
int stub_run(const struct mode_ops *m, const struct opts *o, const struct app_env *env,
	     const struct pci_dev *dev);

#endif
