// SPDX-License-Identifier: GPL-2.0
/* Command line: modes, options, validation and --help. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "mode.h"
#include "units.h"
#include "version.h"

_Static_assert(O_VERSION < 32, "struct opts.given has a bit per option");

/* An option's syntax; its help is the mode's (struct mode_opt). */
struct optdef {
	enum opt_id id;
	const char *name;
	char short_name;
	const char *arg;	/* NULL: a flag */
};

static const struct optdef optdefs[] = {
	{ O_SIZE, "size", 's', "SIZE" },
	{ O_SIZE2, "size2", 'S', "SIZE" },
	{ O_DMA_SIZE, "dma-size", 'd', "SIZE" },
	{ O_STRIDE, "stride", 0, "SIZE" },
	{ O_KEEP, "keep", 'k', NULL },
	{ O_SHRINK, "shrink", 0, NULL },
	{ O_HUGETLB, "hugetlb", 0, NULL },
	{ O_VERIFY, "verify", 0, "N" },
	{ O_BACKEND, "backend", 'b', "vfio|iommufd" },
	{ O_DEVICE, "device", 'D', "BDF" },
	{ O_MAX_ERRORS, "max-errors", 0, "N" },
	{ O_SEED, "seed", 0, "N" },
	{ O_THREADS, "threads", 't', "N" },
	{ O_PATTERN, "pattern", 'p', "P" },
	{ O_OPS, "ops", 'n', "N" },
	{ O_DURATION, "duration", 'T', "SECONDS" },
	{ O_ANCHOR, "anchor", 0, NULL },
	{ O_TABLES, "tables", 0, "N" },
	{ O_MAKE_IT_FAIL, "make-it-fail", 0, NULL },
	{ O_DEV, "dev", 0, "PATH" },
	{ O_QD, "qd", 0, "N" },
	{ O_BS, "bs", 0, "SIZE" },
	{ O_ITERS, "iters", 0, "N" },
	{ O_WARMUP, "warmup", 0, "N" },
	{ O_JSON, "json", 'j', NULL },
	{ O_QUIET, "quiet", 'q', NULL },
	{ O_HELP, "help", 'h', NULL },
	{ O_VERSION, "version", 0, NULL },
};

/* What every mode accepts, after its own options. */
static const struct mode_opt common_opts[] = {
	{ O_JSON, "print one JSON object per run on stdout instead of the report", NULL, NULL },
	{ O_QUIET, "no progress output on stderr", NULL, NULL },
	{ O_HELP, "this help", NULL, NULL },
	{ O_VERSION, "print the version and exit", NULL, NULL },
	{ 0 },
};

const char *backend_name(enum backend_kind b)
{
	return b == BACKEND_IOMMUFD ? "iommufd" : "vfio";
}

const char *pattern_name(enum pattern p)
{
	switch (p) {
	case PAT_CHURN:
		return "churn";
	case PAT_RANDOM:
		return "random";
	default:
		return "partition";
	}
}

int normalize_bdf(const char *in, char *out, size_t len)
{
	unsigned dom = 0, bus, dev, fn;
	char tail;
	const char *p = in;
	size_t n = strlen(in);

	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)p[i]) && p[i] != ':' && p[i] != '.')
			return -1;
	if (n == 12) {
		if (sscanf(p, "%4x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &tail) != 4)
			return -1;
		if (p[4] != ':' || p[7] != ':' || p[10] != '.')
			return -1;
	} else if (n == 7) {
		if (sscanf(p, "%2x:%2x.%1u%c", &bus, &dev, &fn, &tail) != 3)
			return -1;
		if (p[2] != ':' || p[5] != '.')
			return -1;
	} else {
		return -1;
	}
	if (dev > 0x1f || fn > 7)
		return -1;
	if (snprintf(out, len, "%04x:%02x:%02x.%u", dom, bus, dev, fn) >= (int)len)
		return -1;
	return 0;
}

static void set_defaults(struct opts *o, const struct mode_ops *m)
{
	memset(o, 0, sizeof(*o));
	o->mode = m;
	o->backend = BACKEND_VFIO;
	o->size = 64 * SZ_1G;
	o->dma_size = SZ_4K;
	o->stride = SZ_2M;
	o->max_errors = 64;
	o->seed = 1;
	o->threads = 2;
	o->pattern = PAT_PARTITION;
	o->tables = 4;
	str_copy(o->dev, "/dev/nvme0n1", sizeof(o->dev));
	o->qd = 32;
	o->bs = SZ_4K;
	o->iters = 100000;
	o->warmup = 1000;
	if (m->defaults)
		m->defaults(o);
}

static int bad_value(const struct optdef *d, const char *v, const char *expect)
{
	return ist_err(EX_USAGE, "bad value for --%s: '%s' (expected %s)",
		       d->name, v, expect);
}

/* A parse_uint()/parse_size() failure of v, as the user typed it. */
static int num_error(const struct optdef *d, const char *v, int err, const char *expect,
		     uint64_t min, uint64_t max)
{
	if (err == UNITS_TOO_LARGE && max == UINT64_MAX)
		return ist_err(EX_USAGE, "--%s '%s' is too large (more than 64 bits)", d->name, v);
	if (err == UNITS_TOO_LARGE)
		return ist_err(EX_USAGE, "--%s '%s' is too large (at most %llu)", d->name, v,
			       (unsigned long long)max);
	if (err == UNITS_TOO_SMALL && min == 1)
		return ist_err(EX_USAGE, "--%s '%s' must be > 0", d->name, v);
	if (err == UNITS_TOO_SMALL)
		return ist_err(EX_USAGE, "--%s '%s' is too small (at least %llu)", d->name, v,
			       (unsigned long long)min);
	return bad_value(d, v, expect);
}

static int count(const struct optdef *d, const char *v, uint64_t min, uint64_t max,
		 uint64_t *out)
{
	char expect[64];
	int err = parse_uint(v, min, max, out);

	if (!err)
		return 0;
	snprintf(expect, sizeof(expect), "a count %llu..%llu", (unsigned long long)min,
		 (unsigned long long)max);
	return num_error(d, v, err, max == UINT64_MAX ? "an unsigned integer" : expect, min, max);
}

static enum typed_opt typed_index(enum opt_id id)
{
	switch (id) {
	case O_SIZE2:
		return TY_SIZE2;
	case O_DMA_SIZE:
		return TY_DMA_SIZE;
	case O_STRIDE:
		return TY_STRIDE;
	case O_BS:
		return TY_BS;
	default:
		return TY_SIZE;
	}
}

const char *cli_shown(char *buf, size_t len, const struct opts *o, enum typed_opt t,
		      uint64_t v)
{
	char f[32];

	if (o->typed[t][0])
		snprintf(buf, len, "'%s'", o->typed[t]);
	else
		snprintf(buf, len, "%s (the default)", fmt_size(f, sizeof(f), v));
	return buf;
}

static int apply(struct opts *o, const struct optdef *d, const char *v)
{
	uint64_t u;
	int err;

	switch (d->id) {
	case O_SIZE:
	case O_SIZE2:
	case O_DMA_SIZE:
	case O_STRIDE:
	case O_BS:
		err = parse_size(v, &u);
		if (!err && u == 0)
			err = UNITS_TOO_SMALL;
		if (err)
			return num_error(d, v, err, "a size like 4K, 2M, 64G or 16T", 1, UINT64_MAX);
		/* as typed, for the messages (a longer one is shown cut) */
		snprintf(o->typed[typed_index(d->id)], sizeof(o->typed[0]), "%s", v);
		if (d->id == O_SIZE)
			o->size = u;
		if (d->id == O_SIZE2)
			o->size2 = u;
		if (d->id == O_DMA_SIZE)
			o->dma_size = u;
		if (d->id == O_STRIDE) {
			o->stride = u;
			o->stride_given = true;
		}
		if (d->id == O_BS)
			o->bs = u;
		return 0;
	case O_VERIFY:
		return count(d, v, 0, 100000, &o->verify);
	case O_MAX_ERRORS:
		return count(d, v, 0, UINT32_MAX, &o->max_errors);
	case O_SEED:
		return count(d, v, 0, UINT64_MAX, &o->seed);
	case O_THREADS:
		return count(d, v, 1, 256, &o->threads);
	case O_OPS:
		return count(d, v, 1, UINT64_MAX / 2, &o->ops);
	case O_TABLES:
		return count(d, v, 1, 512, &o->tables);
	case O_QD:
		return count(d, v, 1, 4096, &o->qd);
	case O_ITERS:
		return count(d, v, 1, DMAMAP_MAX_ITERS, &o->iters);
	case O_WARMUP:
		return count(d, v, 0, DMAMAP_MAX_ITERS, &o->warmup);
	case O_DURATION:
		err = parse_seconds(v, &o->duration);
		if (err == UNITS_TOO_SMALL)
			return ist_err(EX_USAGE, "--%s '%s' must be > 0", d->name, v);
		if (err == UNITS_TOO_LARGE)
			return ist_err(EX_USAGE, "--%s '%s' is too large (at most %.0f s)", d->name,
				       v, SECONDS_MAX);
		if (err)
			return bad_value(d, v, "seconds like 10, 2.5 or 500ms");
		return 0;
	case O_BACKEND:
		if (!strcmp(v, "vfio"))
			o->backend = BACKEND_VFIO;
		else if (!strcmp(v, "iommufd"))
			o->backend = BACKEND_IOMMUFD;
		else
			return bad_value(d, v, "vfio or iommufd");
		return 0;
	case O_PATTERN:
		if (!strcmp(v, "partition"))
			o->pattern = PAT_PARTITION;
		else if (!strcmp(v, "churn"))
			o->pattern = PAT_CHURN;
		else if (!strcmp(v, "random"))
			o->pattern = PAT_RANDOM;
		else
			return bad_value(d, v, "partition, churn or random");
		return 0;
	case O_DEVICE:
		if (normalize_bdf(v, o->device, sizeof(o->device)))
			return bad_value(d, v, "a PCI address like 0000:00:03.0");
		return 0;
	case O_DEV:
		if (!v[0] || strlen(v) >= sizeof(o->dev))
			return bad_value(d, v, "a device path");
		str_copy(o->dev, v, sizeof(o->dev));
		return 0;
	case O_KEEP:
		o->keep = true;
		return 0;
	case O_SHRINK:
		o->shrink = true;
		return 0;
	case O_HUGETLB:
		o->hugetlb = true;
		return 0;
	case O_ANCHOR:
		o->anchor = true;
		return 0;
	case O_MAKE_IT_FAIL:
		o->make_it_fail = true;
		return 0;
	case O_JSON:
		o->json = true;
		return 0;
	case O_QUIET:
		o->quiet = true;
		return 0;
	case O_HELP:
		o->help = true;
		return 0;
	case O_VERSION:
		o->version = true;
		return 0;
	}
	return ist_err(EX_USAGE, "internal: unhandled option --%s", d->name);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int check_size(const char *name, enum typed_opt t, uint64_t size, const struct opts *o)
{
	char a[48], b[48];

	if (size % SZ_4K)
		return ist_err(EX_USAGE, "--%s %s is not a multiple of 4K", name,
			       cli_shown(a, sizeof(a), o, t, size));
	if (size < o->stride)
		return ist_err(EX_USAGE, "--%s %s is smaller than --stride %s", name,
			       cli_shown(a, sizeof(a), o, t, size),
			       cli_shown(b, sizeof(b), o, TY_STRIDE, o->stride));
	return 0;
}

int cli_check_iova_options(struct opts *o)
{
	char a[48], b[48];
	int ret;

	uint64_t max_dma = o->hugetlb ? DMA_SIZE_MAX_HUGETLB : SZ_1G;

	if (o->dma_size > max_dma)
		return ist_err(EX_USAGE, "--dma-size %s is too large (at most %s%s)",
			       cli_shown(a, sizeof(a), o, TY_DMA_SIZE, o->dma_size),
			       o->hugetlb ? "16G" : "1G",
			       o->hugetlb ? "" : "; up to 16G with --hugetlb");
	if (!is_pow2(o->dma_size) || o->dma_size < SZ_4K)
		return ist_err(EX_USAGE, "--dma-size %s must be a power of two from 4K to %s",
			       cli_shown(a, sizeof(a), o, TY_DMA_SIZE, o->dma_size),
			       o->hugetlb ? "16G" : "1G");
	/* a 1G --dma-size without --stride: one mapping per 1G */
	if (!o->stride_given && o->dma_size > o->stride)
		o->stride = o->dma_size;
	if (o->stride % o->dma_size)
		return ist_err(EX_USAGE, "--stride %s is not a multiple of --dma-size %s",
			       cli_shown(a, sizeof(a), o, TY_STRIDE, o->stride),
			       cli_shown(b, sizeof(b), o, TY_DMA_SIZE, o->dma_size));
	ret = check_size("size", TY_SIZE, o->size, o);
	if (!ret && o->size2)
		ret = check_size("size2", TY_SIZE2, o->size2, o);
	if (ret)
		return ret;
	/*
	 * --keep pins the one buffer once per mapping; a page's pin count
	 * (1024 per pin in a 32-bit refcount) overflows past 2Mi pins.
	 */
	if (o->keep && ((o->size > o->size2 ? o->size : o->size2) / o->stride) > KEEP_MAX_MAPPINGS)
		return ist_err(EX_USAGE, "--keep holds at most %u mappings of the one buffer (the kernel's page pin count): use a smaller --size or a larger --stride",
			       KEEP_MAX_MAPPINGS);
	return 0;
}

static const struct optdef *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(optdefs); i++)
		if (strlen(optdefs[i].name) == len && !strncmp(optdefs[i].name, name, len))
			return &optdefs[i];
	return NULL;
}

static const struct optdef *find_short(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(optdefs); i++)
		if (optdefs[i].short_name && optdefs[i].short_name == c)
			return &optdefs[i];
	return NULL;
}

static const struct optdef *optdef_of(int id)
{
	for (size_t i = 0; i < ARRAY_SIZE(optdefs); i++)
		if ((int)optdefs[i].id == id)
			return &optdefs[i];
	return NULL;
}

/* The mode's entry for option id (its own, then the common ones), or NULL. */
static const struct mode_opt *mode_opt_of(const struct mode_ops *m, int id)
{
	for (const struct mode_opt *p = m->opts; p && p->help; p++)
		if (p->id == id)
			return p;
	for (const struct mode_opt *p = common_opts; p->help; p++)
		if (p->id == id)
			return p;
	return NULL;
}

static bool is_help_arg(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* "sweep, verify, threads, uring, dmamap" */
static const char *mode_list(void)
{
	static char buf[256];
	size_t n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < mode_count && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "",
				      mode_table[i]->name);
	return buf;
}

/* "help [MODE]" */
static int parse_help(int argc, char **argv, struct opts *o)
{
	const struct mode_ops *m;

	set_defaults(o, mode_table[0]);
	o->help = true;
	if (argc <= 2 || !argv[2] || is_help_arg(argv[2]))
		return 0;
	m = mode_find(argv[2]);
	if (!m)
		return ist_err(EX_USAGE, "unknown help topic '%s' (topics: %s)", argv[2],
			       mode_list());
	if (argc > 3 && argv[3])
		return ist_err(EX_USAGE, "unexpected argument '%s' after help %s", argv[3], argv[2]);
	set_defaults(o, m);
	o->help = true;
	o->mode_given = true;
	return 0;
}

int cli_parse(int argc, char **argv, struct opts *o)
{
	const struct mode_ops *m = mode_table[0];
	bool given = false;
	int i = 1, ret;

	if (argc > 1 && argv[1] && argv[1][0] != '-') {
		if (!strcmp(argv[1], "help"))
			return parse_help(argc, argv, o);
		m = mode_find(argv[1]);
		if (!m) {
			set_defaults(o, mode_table[0]);
			return ist_err(EX_USAGE, "unknown mode '%s' (modes: %s; see --help)",
				       argv[1], mode_list());
		}
		given = true;
		i = 2;
	}
	set_defaults(o, m);
	o->mode_given = given;

	/* --help (then --version) anywhere wins over everything else. */
	for (int k = i; k < argc; k++)
		if (argv[k] && is_help_arg(argv[k])) {
			o->help = true;
			return 0;
		}
	for (int k = i; k < argc; k++)
		if (argv[k] && !strcmp(argv[k], "--version")) {
			o->version = true;
			return 0;
		}

	for (; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct optdef *d;

		if (!a)
			break;
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);

			d = find_long(a + 2, len);
			if (!d)
				return ist_err(EX_USAGE, "unknown option '%.*s' (see iova_stress %s --help)",
					       (int)(len + 2), a, m->name);
			if (eq)
				val = eq + 1;
		} else if (a[0] == '-' && a[1] && a[1] != '-' && !a[2]) {
			d = find_short(a[1]);
			if (!d)
				return ist_err(EX_USAGE, "unknown option '%s' (see iova_stress %s --help)",
					       a, m->name);
		} else {
			return ist_err(EX_USAGE, "unexpected argument '%s' (see iova_stress %s --help)",
				       a, m->name);
		}
		if (!mode_opt_of(m, d->id))
			return ist_err(EX_USAGE, "option --%s does not apply to mode %s",
				       d->name, m->name);
		if (d->arg && !val) {
			if (i + 1 >= argc || !argv[i + 1])
				return ist_err(EX_USAGE, "option --%s needs a value (%s)",
					       d->name, d->arg);
			val = argv[++i];
		} else if (!d->arg && val) {
			return ist_err(EX_USAGE, "option --%s takes no value", d->name);
		}
		ret = apply(o, d, d->arg ? val : "");
		if (ret)
			return ret;
		o->given |= GIVEN(d->id);
	}
	return m->validate ? m->validate(o) : 0;
}

void cli_version(FILE *f)
{
	fprintf(f, "iova_stress %s\n", IST_VERSION);
}

/* Without a mode, every code once, in general terms. */
static void print_exit_codes(FILE *f, const struct opts *o)
{
	if (!o->mode_given) {
		fputs("\nExit codes (\"iova_stress MODE --help\" gives a mode's own):\n"
		      "  0  success\n"
		      "  1  other runtime failure (map or read errors, interrupted...)\n"
		      "  2  usage: unknown mode, option or help topic, bad value\n"
		      "  3  --size beyond the IOMMU aperture (the message gives the maximum)\n"
		      "  4  no such device or device node (vfio-pci, /dev/vfio, block device,\n"
		      "     not an edu device, no dmamap debugfs hook)\n"
		      "  5  not root\n"
		      "  6  device busy (EBUSY on open or bind)\n"
		      "  7  iommufd missing (/dev/iommu absent)\n"
		      "  8  DMA verification failed\n", f);
		return;
	}
	fputs("\nExit codes:\n", f);
	for (const struct mode_exit *e = o->mode->exits; e && e->text; e++)
		fprintf(f, "  %d  %s\n", e->code, e->text);
}

/* The default of option id in mode m, formatted for its help; "" if none. */
static const char *default_of(int id, const struct mode_ops *m, char *buf, size_t len)
{
	const struct mode_opt *mo = mode_opt_of(m, id);
	struct opts d;

	buf[0] = 0;
	if (mo && mo->dflt) {
		str_copy(buf, mo->dflt, len);
		return buf;
	}
	set_defaults(&d, m);
	switch (id) {
	case O_SIZE:
		fmt_size(buf, len, d.size);
		break;
	case O_DMA_SIZE:
		fmt_size(buf, len, d.dma_size);
		break;
	case O_BACKEND:
		snprintf(buf, len, "%s", backend_name(d.backend));
		break;
	case O_MAX_ERRORS:
		snprintf(buf, len, "%llu", (unsigned long long)d.max_errors);
		break;
	case O_SEED:
		snprintf(buf, len, "%llu", (unsigned long long)d.seed);
		break;
	case O_THREADS:
		snprintf(buf, len, "%llu", (unsigned long long)d.threads);
		break;
	case O_PATTERN:
		snprintf(buf, len, "%s", pattern_name(d.pattern));
		break;
	case O_TABLES:
		snprintf(buf, len, "%llu", (unsigned long long)d.tables);
		break;
	case O_DEV:
		str_copy(buf, d.dev, len);
		break;
	case O_QD:
		snprintf(buf, len, "%llu", (unsigned long long)d.qd);
		break;
	case O_BS:
		fmt_size(buf, len, d.bs);
		break;
	case O_ITERS:
		snprintf(buf, len, "%llu", (unsigned long long)d.iters);
		break;
	case O_WARMUP:
		snprintf(buf, len, "%llu", (unsigned long long)d.warmup);
		break;
	default:
		break;
	}
	return buf;
}

/* "  LEFT  help..." with the help wrapped at 79 columns. */
static void print_wrapped(FILE *f, const char *left, const char *help)
{
	const int indent = 29, width = 79;
	const char *p = help;
	int col;

	fprintf(f, "  %-26s ", left);
	col = indent;
	while (*p) {
		const char *sp = strchr(p, ' ');
		int len = sp ? (int)(sp - p) : (int)strlen(p);

		if (col > indent && col + 1 + len > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", len, p);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void print_option(FILE *f, const struct mode_ops *m, const struct mode_opt *mo)
{
	const struct optdef *d = optdef_of(mo->id);
	const char *arg = d->arg && mo->arg ? mo->arg : d->arg, *help = mo->help;
	char left[48], dflt[64], text[320];

	if (d->short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", d->short_name, d->name,
			 arg ? " " : "", arg ? arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", d->name, arg ? " " : "",
			 arg ? arg : "");
	if (default_of(mo->id, m, dflt, sizeof(dflt))[0])
		snprintf(text, sizeof(text), "%s (default %s)", help, dflt);
	else
		snprintf(text, sizeof(text), "%s", help);
	print_wrapped(f, left, text);
}

static void print_options(FILE *f, const struct mode_ops *m)
{
	fputs("\nOptions:\n", f);
	for (const struct mode_opt *mo = m->opts; mo && mo->help; mo++)
		print_option(f, m, mo);
	for (const struct mode_opt *mo = common_opts; mo->help; mo++)
		print_option(f, m, mo);
}

void cli_help(FILE *f, const struct opts *o)
{
	if (!o->mode_given) {
		fputs("Usage: iova_stress [MODE] [OPTIONS]\n"
		      "Stress and measure IOMMU map/unmap and page-table memory through VFIO\n"
		      "or iommufd.\n\n"
		      "Modes:\n", f);
		for (unsigned i = 0; i < mode_count; i++)
			fprintf(f, "  %-8s %s%s\n", mode_table[i]->name, i ? "" : "(default) ",
				mode_table[i]->summary);
		fputs("\"iova_stress MODE --help\" shows the options of MODE.\n"
		      "sweep, verify and threads need root; the device must be bound to vfio-pci.\n\n",
		      f);
	} else {
		fprintf(f, "Usage: iova_stress %s [OPTIONS]\n\n", o->mode->name);
	}
	fputs(o->mode->help, f);
	print_options(f, o->mode);
	if (o->mode->help_tail)
		fprintf(f, "\n%s", o->mode->help_tail);
	print_exit_codes(f, o);
}
