// SPDX-License-Identifier: GPL-2.0
/* The modes, replaced for the tests of app_run(): they record the call. */
#include <string.h>

#include "app.h"
#include "stubs.h"

struct stub_call stub_last;

static int record(const char *what, const struct opts *o, const struct pci_dev *dev)
{
	stub_last.what = what;
	stub_last.o = *o;
	if (dev)
		stub_last.dev = *dev;
	else
		memset(&stub_last.dev, 0, sizeof(stub_last.dev));
	return stub_last.ret;
}

int mode_sweep(const struct opts *o, const struct app_env *env, const struct pci_dev *dev)
{
	(void)env;
	return record("sweep", o, dev);
}

int mode_threads(const struct opts *o, const struct app_env *env, const struct pci_dev *dev)
{
	(void)env;
	return record("threads", o, dev);
}

int mode_uring(const struct opts *o, const struct app_env *env)
{
	(void)env;
	return record("uring", o, NULL);
}

int mode_dmamap(const struct opts *o, const struct app_env *env)
{
	(void)env;
	return record("dmamap", o, NULL);
}
