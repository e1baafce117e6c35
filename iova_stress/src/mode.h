/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_MODE_H
#define IST_MODE_H

#include <stdbool.h>
#include <stdio.h>

struct app_env;
struct jw;
struct opts;
struct pci_dev;
struct run_result;

/* An option a mode accepts (cli.h's enum opt_id), with its help there. */
struct mode_opt {
	int id;
	const char *help;
	/* the default as the help says it; NULL: the mode's default value, formatted */
	const char *dflt;
	const char *arg;	/* its argument's name here, NULL: the option's ("SIZE") */
};

/* An exit code a mode can end with, and what it means in that mode. */
struct mode_exit {
	int code;
	const char *text;
};

/*
 * One mode: everything about it is here and in its own file.  A new mode
 * is a file that defines one of these and an entry in modes.c's table.
 */
struct mode_ops {
	const char *name;
	const char *summary;		/* its line in the general help */
	const char *help;		/* the text of "iova_stress MODE --help" */
	const char *help_tail;		/* after its options, or NULL */
	const struct mode_opt *opts;	/* the options it accepts, { 0 }-ended */
	const struct mode_exit *exits;	/* the exit codes it can end with, { 0 }-ended */
	bool uses_backend;		/* VFIO/iommufd: root and a vfio-pci device */
	/* the JSON object (or null) its report_json writes, under this key */
	const char *section;

	/* Change the common defaults (cli.c) for this mode, or NULL. */
	void (*defaults)(struct opts *o);
	/* Checks once every option is parsed: 0 or EX_USAGE after one line. */
	int (*validate)(struct opts *o);
	/* Run; dev is NULL unless uses_backend.  Returns the exit code. */
	int (*run)(const struct opts *o, const struct app_env *env, const struct pci_dev *dev);

	/* The first line of the human report ("dma_size: 4K iova space: ..."). */
	void (*summary_line)(FILE *f, const struct run_result *r);
	/* The rest of the human report. */
	void (*report_human)(FILE *f, const struct run_result *r);
	/* "section": {...} or null. */
	void (*report_json)(struct jw *w, const struct run_result *r);
};

/* The modes, in the order the help lists them; the first is the default. */
extern const struct mode_ops *const mode_table[];
extern const unsigned mode_count;

/* By name, or NULL. */
const struct mode_ops *mode_find(const char *name);

extern const struct mode_ops mode_sweep, mode_verify, mode_threads, mode_uring, mode_dmamap;

#endif
