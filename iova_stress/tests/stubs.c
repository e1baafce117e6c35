// SPDX-License-Identifier: GPL-2.0
/* The tests of app_run() run this instead of a mode: it records the call. */
#include <string.h>

#include "app.h"
#include "mode.h"
#include "stubs.h"

struct stub_call stub_last;

int stub_run(const struct mode_ops *m, const struct opts *o, const struct app_env *env,
	     const struct pci_dev *dev)
{
	(void)env;
	stub_last.what = m->name;
	stub_last.o = *o;
	if (dev)
		stub_last.dev = *dev;
	else
		memset(&stub_last.dev, 0, sizeof(stub_last.dev));
	return stub_last.ret;
}
