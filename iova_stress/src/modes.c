// SPDX-License-Identifier: GPL-2.0
/* The table of modes (each is a struct mode_ops in its own file). */
#include <string.h>

#include "common.h"
#include "mode.h"

const struct mode_ops *const mode_table[] = {
	&mode_sweep,
	&mode_verify,
	&mode_threads,
	&mode_uring,
	&mode_dmamap,
};

const unsigned mode_count = ARRAY_SIZE(mode_table);

const struct mode_ops *mode_find(const char *name)
{
	for (unsigned i = 0; i < mode_count; i++)
		if (!strcmp(mode_table[i]->name, name))
			return mode_table[i];
	return NULL;
}
