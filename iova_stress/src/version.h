/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_VERSION_H
#define IST_VERSION_H

/* The tool's version (--version); raise it with every change of its CLI or output. */
#define IST_VERSION "2.0"

#endif
