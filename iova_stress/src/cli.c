// SPDX-License-Identifier: GPL-2.0
/* Command line: modes, options, validation and --help. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "units.h"
#include "version.h"

#define M_SWEEP		(1u << MODE_SWEEP)
#define M_VERIFY	(1u << MODE_VERIFY)
#define M_THREADS	(1u << MODE_THREADS)
#define M_URING		(1u << MODE_URING)
#define M_DMAMAP	(1u << MODE_DMAMAP)
#define M_IOMMU		(M_SWEEP | M_VERIFY | M_THREADS)
#define M_ALL		(M_IOMMU | M_URING | M_DMAMAP)

enum opt_id {
	O_SIZE, O_SIZE2, O_DMA_SIZE, O_STRIDE, O_KEEP, O_VERIFY, O_BACKEND,
	O_DEVICE, O_MAX_ERRORS, O_SEED, O_THREADS, O_PATTERN, O_OPS,
	O_DURATION, O_ANCHOR, O_TABLES, O_MAKE_IT_FAIL, O_DEV, O_QD, O_BS, O_ITERS,
	O_WARMUP, O_JSON, O_QUIET, O_HELP, O_VERSION,
};

#define GIVEN(id) (1u << (id))
_Static_assert(O_VERSION < 32, "struct opts.given has a bit per option");

/*
 * An option name may have several entries with disjoint mode masks when
 * its help differs per mode (--dev); find_long() picks the mode's own.
 */
struct optdef {
	enum opt_id id;
	const char *name;
	char short_name;
	const char *arg;	/* NULL: a flag */
	unsigned modes;
	const char *help;
};

/* The help says no default: print_options() adds the mode's own. */
static const struct optdef optdefs[] = {
	{ O_SIZE, "size", 's', "SIZE", M_SWEEP | M_VERIFY,
	  "IOVA space from 0 to sweep (K M G T P units)" },
	{ O_SIZE, "size", 's', "SIZE", M_THREADS,
	  "partition, random: IOVA space from 0 (K M G T P units)" },
	{ O_SIZE2, "size2", 'S', "SIZE", M_SWEEP | M_VERIFY,
	  "then a second run of SIZE in the same process and container" },
	{ O_DMA_SIZE, "dma-size", 'd', "SIZE", M_SWEEP | M_VERIFY,
	  "bytes per mapping: a power of two, 4K..1G" },
	{ O_DMA_SIZE, "dma-size", 'd', "SIZE", M_THREADS,
	  "partition: bytes per mapping, a power of two, 4K..1G" },
	{ O_STRIDE, "stride", 0, "SIZE", M_SWEEP | M_VERIFY,
	  "IOVA distance between mappings, multiple of --dma-size" },
	{ O_STRIDE, "stride", 0, "SIZE", M_THREADS,
	  "partition: IOVA distance between mappings, multiple of --dma-size" },
	{ O_KEEP, "keep", 'k', NULL, M_SWEEP | M_VERIFY,
	  "map everything, measure, then unmap everything (at most 1Mi mappings)" },
	{ O_VERIFY, "verify", 0, "N", M_SWEEP,
	  "after the sweep, DMA-verify N sample IOVAs with edu, 0..100000" },
	{ O_VERIFY, "verify", 0, "N", M_VERIFY,
	  "DMA-verify N sample IOVAs with edu after the sweep, 1..100000" },
	{ O_BACKEND, "backend", 'b', "vfio|iommufd", M_IOMMU,
	  "VFIO type1 container or iommufd IOAS" },
	{ O_DEVICE, "device", 'D', "BDF", M_IOMMU,
	  "PCI device bound to vfio-pci" },
	{ O_MAX_ERRORS, "max-errors", 0, "N", M_IOMMU,
	  "abort after N failed maps/unmaps" },
	{ O_SEED, "seed", 0, "N", M_IOMMU,
	  "seed of the random choices" },
	{ O_THREADS, "threads", 't', "N", M_THREADS,
	  "number of mapping threads, 1..256" },
	{ O_PATTERN, "pattern", 'p', "P", M_THREADS,
	  "partition|churn|random" },
	{ O_OPS, "ops", 'n', "N", M_THREADS,
	  "stop after N map+unmap pairs in total" },
	{ O_DURATION, "duration", 'T', "SECONDS", M_THREADS,
	  "stop after SECONDS (like 10, 2.5 or 500ms)" },
	{ O_DURATION, "duration", 'T', "SECONDS", M_URING,
	  "read for SECONDS (like 10, 2.5 or 500ms)" },
	{ O_ANCHOR, "anchor", 0, NULL, M_THREADS,
	  "churn: keep one 4K anchor mapped in the churned tables and DMA through it with edu all along" },
	{ O_TABLES, "tables", 0, "N", M_THREADS,
	  "churn: number of 2M leaf tables churned, 1..512" },
	{ O_MAKE_IT_FAIL, "make-it-fail", 0, NULL, M_THREADS,
	  "set make-it-fail in the mapping threads around their map/unmap loop only (kernel fault injection with task-filter; ENOMEM is counted, not an error)" },
	{ O_DEV, "dev", 0, "PATH", M_URING,
	  "block device to read" },
	{ O_DEV, "dev", 0, "PATH|BDF", M_DMAMAP,
	  "the PCI device whose DMA domain is timed: its address, or a block device on it" },
	{ O_QD, "qd", 0, "N", M_URING,
	  "queue depth, 1..4096" },
	{ O_BS, "bs", 0, "SIZE", M_URING,
	  "read size, multiple of 512 up to 1M" },
	{ O_ITERS, "iters", 0, "N", M_DMAMAP,
	  "timed map+unmap pairs, 1..100000000" },
	{ O_WARMUP, "warmup", 0, "N", M_DMAMAP,
	  "untimed pairs run first, as a separate run, 0..100000000" },
	{ O_JSON, "json", 'j', NULL, M_ALL,
	  "print one JSON object per run on stdout instead of the report" },
	{ O_QUIET, "quiet", 'q', NULL, M_ALL,
	  "no progress output on stderr" },
	{ O_HELP, "help", 'h', NULL, M_ALL, "this help" },
	{ O_VERSION, "version", 0, NULL, M_ALL, "print the version and exit" },
};

static const char *const mode_names[MODE_NR] = {
	[MODE_SWEEP] = "sweep",
	[MODE_VERIFY] = "verify",
	[MODE_THREADS] = "threads",
	[MODE_URING] = "uring",
	[MODE_DMAMAP] = "dmamap",
};

const char *mode_name(enum mode m)
{
	return (unsigned)m < MODE_NR ? mode_names[m] : "?";
}

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

static void set_defaults(struct opts *o, enum mode m)
{
	memset(o, 0, sizeof(*o));
	o->mode = m;
	o->backend = BACKEND_VFIO;
	o->size = m == MODE_SWEEP ? SZ_1T : 64 * SZ_1G;
	o->dma_size = SZ_4K;
	o->stride = SZ_2M;
	o->verify = m == MODE_VERIFY ? 8 : 0;
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

/* A size option's value for a message: 'as typed', or the default, formatted. */
static const char *shown(char *buf, size_t len, const struct opts *o, enum typed_opt t,
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
		return count(d, v, o->mode == MODE_VERIFY ? 1 : 0, 100000, &o->verify);
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
			       shown(a, sizeof(a), o, t, size));
	if (size < o->stride)
		return ist_err(EX_USAGE, "--%s %s is smaller than --stride %s", name,
			       shown(a, sizeof(a), o, t, size),
			       shown(b, sizeof(b), o, TY_STRIDE, o->stride));
	return 0;
}

/*
 * The threads patterns each use some of the options: one given to a
 * pattern that ignores it is refused by name.
 */
static int check_pattern_options(const struct opts *o)
{
	static const struct {
		enum opt_id id;
		const char *name;
		unsigned patterns;	/* bit per enum pattern that uses it */
		const char *why;
	} uses[] = {
		{ O_SIZE, "size", 1u << PAT_PARTITION | 1u << PAT_RANDOM,
		  "churn maps 4K slots of --tables leaf tables around 8G" },
		{ O_DMA_SIZE, "dma-size", 1u << PAT_PARTITION,
		  "churn and random map 4K" },
		{ O_STRIDE, "stride", 1u << PAT_PARTITION,
		  "churn and random map 4K slots, not a stride" },
		{ O_TABLES, "tables", 1u << PAT_CHURN, "it sizes the churn window" },
		{ O_ANCHOR, "anchor", 1u << PAT_CHURN, "the anchor sits in the churned tables" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(uses); i++)
		if ((o->given & GIVEN(uses[i].id)) && !(uses[i].patterns & (1u << o->pattern)))
			return ist_err(EX_USAGE, "option --%s does not apply to --pattern %s (%s)",
				       uses[i].name, pattern_name(o->pattern), uses[i].why);
	return 0;
}

/* Cross-option checks, once every option is known. */
static int validate(struct opts *o)
{
	char a[48], b[48];
	int ret;

	if (o->mode == MODE_DMAMAP) {
		char bdf[16];

		/* which of the two it is, is decided again when it is resolved */
		if (o->dev[0] != '/' && normalize_bdf(o->dev, bdf, sizeof(bdf)))
			return ist_err(EX_USAGE, "--dev '%s' is neither a PCI address like 0000:00:04.0 nor a path like /dev/nvme0n1",
				       o->dev);
		return 0;
	}
	if (o->mode == MODE_URING) {
		if (o->bs > (1u << 20))
			return ist_err(EX_USAGE, "--bs %s is too large (at most 1M)",
				       shown(a, sizeof(a), o, TY_BS, o->bs));
		if (o->bs % 512)
			return ist_err(EX_USAGE, "--bs %s is not a multiple of 512",
				       shown(a, sizeof(a), o, TY_BS, o->bs));
		if (o->duration == 0)
			o->duration = 10;
		return 0;
	}
	if (o->mode == MODE_THREADS) {
		ret = check_pattern_options(o);
		if (ret)
			return ret;
	}
	if (o->dma_size > SZ_1G)
		return ist_err(EX_USAGE, "--dma-size %s is too large (at most 1G)",
			       shown(a, sizeof(a), o, TY_DMA_SIZE, o->dma_size));
	if (!is_pow2(o->dma_size) || o->dma_size < SZ_4K)
		return ist_err(EX_USAGE, "--dma-size %s must be a power of two from 4K to 1G",
			       shown(a, sizeof(a), o, TY_DMA_SIZE, o->dma_size));
	/* a 1G --dma-size without --stride: one mapping per 1G */
	if (!o->stride_given && o->dma_size > o->stride)
		o->stride = o->dma_size;
	if (o->stride % o->dma_size)
		return ist_err(EX_USAGE, "--stride %s is not a multiple of --dma-size %s",
			       shown(a, sizeof(a), o, TY_STRIDE, o->stride),
			       shown(b, sizeof(b), o, TY_DMA_SIZE, o->dma_size));
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
	if (o->mode == MODE_THREADS) {
		if (o->pattern != PAT_PARTITION && !o->ops && o->duration == 0)
			o->duration = 5;
		if (o->pattern == PAT_RANDOM && o->size / SZ_4K < o->threads * 64)
			return ist_err(EX_USAGE, "--size %s is too small for %llu random threads (at least 256K per thread)",
				       shown(a, sizeof(a), o, TY_SIZE, o->size),
				       (unsigned long long)o->threads);
	}
	return 0;
}

/* The entry of that name for mode m, else any (cli_parse() rejects it). */
static const struct optdef *find_long(const char *name, size_t len, enum mode m)
{
	const struct optdef *any = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(optdefs); i++) {
		if (strlen(optdefs[i].name) != len || strncmp(optdefs[i].name, name, len))
			continue;
		if (optdefs[i].modes & (1u << m))
			return &optdefs[i];
		if (!any)
			any = &optdefs[i];
	}
	return any;
}

static const struct optdef *find_short(char c, enum mode m)
{
	const struct optdef *any = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(optdefs); i++) {
		if (!optdefs[i].short_name || optdefs[i].short_name != c)
			continue;
		if (optdefs[i].modes & (1u << m))
			return &optdefs[i];
		if (!any)
			any = &optdefs[i];
	}
	return any;
}

static bool is_help_arg(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

static int find_mode(const char *name)
{
	for (int k = 0; k < MODE_NR; k++)
		if (!strcmp(name, mode_names[k]))
			return k;
	return -1;
}

/* "help [MODE]" */
static int parse_help(int argc, char **argv, struct opts *o)
{
	int k;

	set_defaults(o, MODE_SWEEP);
	o->help = true;
	if (argc <= 2 || !argv[2] || is_help_arg(argv[2]))
		return 0;
	k = find_mode(argv[2]);
	if (k < 0)
		return ist_err(EX_USAGE, "unknown help topic '%s' (topics: sweep, verify, threads, uring, dmamap)",
			       argv[2]);
	if (argc > 3 && argv[3])
		return ist_err(EX_USAGE, "unexpected argument '%s' after help %s", argv[3], argv[2]);
	set_defaults(o, (enum mode)k);
	o->help = true;
	o->mode_given = true;
	return 0;
}

int cli_parse(int argc, char **argv, struct opts *o)
{
	enum mode m = MODE_SWEEP;
	bool given = false;
	int i = 1, ret;

	if (argc > 1 && argv[1] && argv[1][0] != '-') {
		int k;

		if (!strcmp(argv[1], "help"))
			return parse_help(argc, argv, o);
		k = find_mode(argv[1]);
		if (k < 0) {
			set_defaults(o, MODE_SWEEP);
			return ist_err(EX_USAGE, "unknown mode '%s' (modes: sweep, verify, threads, uring, dmamap; see --help)",
				       argv[1]);
		}
		m = (enum mode)k;
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

			d = find_long(a + 2, len, m);
			if (!d)
				return ist_err(EX_USAGE, "unknown option '%.*s' (see iova_stress %s --help)",
					       (int)(len + 2), a, mode_name(m));
			if (eq)
				val = eq + 1;
		} else if (a[0] == '-' && a[1] && a[1] != '-' && !a[2]) {
			d = find_short(a[1], m);
			if (!d)
				return ist_err(EX_USAGE, "unknown option '%s' (see iova_stress %s --help)",
					       a, mode_name(m));
		} else {
			return ist_err(EX_USAGE, "unexpected argument '%s' (see iova_stress %s --help)",
				       a, mode_name(m));
		}
		if (!(d->modes & (1u << m)))
			return ist_err(EX_USAGE, "option --%s does not apply to mode %s",
				       d->name, mode_name(m));
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
	return validate(o);
}

void cli_version(FILE *f)
{
	fprintf(f, "iova_stress %s\n", IST_VERSION);
}

static const char *const mode_text[MODE_NR] = {
	[MODE_SWEEP] =
	"Map then unmap one --dma-size mapping every --stride of IOVA from 0 up to\n"
	"--size (pairs: map at iova, unmap it, next), and report the IOMMU page-table\n"
	"memory left behind (nr_iommu_pages / SecPageTables, read after\n"
	"vm.stat_refresh while the container is still open), wall time and map/unmap\n"
	"latency.  IOVAs in reserved ranges (the MSI window 0xfee00000) are skipped\n"
	"and counted.  The first line is the summary of the original tool:\n"
	"  dma_size: 4K iova space: 64G iommu: 128M time: 1.234s\n",
	[MODE_VERIFY] =
	"A sweep (default --size 64G) followed by DMA verification with the QEMU edu\n"
	"device (1234:11e8): --verify N sample IOVAs spread over the range are mapped\n"
	"and checked by a round trip RAM -> device -> RAM, then unmapped, and DMA to\n"
	"them must fault (memory untouched).  A line EXPECT_DMAR_FAULT 0x<iova> is\n"
	"printed on stdout before every DMA that is expected to fault (also with\n"
	"--json: the JSON object is the line starting with '{').  Each DMA takes\n"
	"~100 ms of virtual time.  Exit 8 if a round trip fails or a DMA to an\n"
	"unmapped IOVA reaches memory.\n",
	[MODE_THREADS] =
	"Concurrent map/unmap from --threads threads on one container/IOAS:\n"
	"  partition  the sweep split in N IOVA ranges (one pass unless --ops/--duration)\n"
	"  churn      threads map/unmap distinct 4K slots of the same 2M leaf tables\n"
	"             (a window of --tables tables straddling the 8G boundary), so a\n"
	"             table empties while another thread maps into it\n"
	"  random     random sparse 4K map/unmap over --size\n"
	"Use --backend iommufd for real concurrency: VFIO type1 serialises every\n"
	"MAP/UNMAP_DMA of a container under one mutex.  Failed maps (ENOMEM under\n"
	"fault injection) are counted and the run goes on; everything mapped is\n"
	"unmapped at the end.  With --anchor, every anchor DMA must succeed\n"
	"(anchor_dmas counts transfers, two per round trip), else exit 8.\n",
	[MODE_URING] =
	"Random O_DIRECT reads with io_uring on a block device (NVMe behind the IOMMU,\n"
	"through the DMA API): IOPS and latency p50/p99/p99.9/max in microseconds.\n",
	[MODE_DMAMAP] =
	"Time dma_map_page()+dma_unmap_page() of one 4K page in a loop in the kernel,\n"
	"on the DMA domain (dma or dma-fq) of an idle PCI device, through the lab-only\n"
	"debugfs hook <debugfs>/iommu/dma_map_bench (lab kernels, kernel/lab/): ns per\n"
	"map, per unmap and per pair.  Needs root and debugfs mounted.\n",
};

/* Exit codes, each with the modes that can end with it. */
static const struct {
	int code;
	unsigned modes;
	const char *text;
} exit_codes[] = {
	{ EX_OK, M_ALL, "success" },
	{ EX_FAIL, M_IOMMU, "other runtime failure (map errors beyond --max-errors, interrupted...)" },
	{ EX_FAIL, M_URING, "other runtime failure (read errors, interrupted...)" },
	{ EX_FAIL, M_DMAMAP, "other runtime failure (the hook refused or failed, interrupted...)" },
	{ EX_USAGE, M_ALL, "usage: unknown mode, option or help topic, bad value" },
	{ EX_APERTURE, M_IOMMU, "--size beyond the IOMMU aperture (the message gives the maximum)" },
	{ EX_NODEV, M_SWEEP | M_VERIFY,
	  "no device bound to vfio-pci, a missing VFIO node, not an edu device (--verify)" },
	{ EX_NODEV, M_THREADS,
	  "no device bound to vfio-pci, a missing VFIO node, not an edu device (--anchor)" },
	{ EX_NODEV, M_URING, "no such block device" },
	{ EX_NODEV, M_DMAMAP, "no such device, or no dma_map_bench hook (not a lab kernel, no debugfs)" },
	{ EX_NOTROOT, M_ALL, "not root" },
	{ EX_BUSY, M_IOMMU, "device busy (EBUSY on open or bind)" },
	{ EX_BUSY, M_URING, "device busy (EBUSY on open)" },
	{ EX_BUSY, M_DMAMAP, "the hook is busy with another run" },
	{ EX_NOIOMMUFD, M_IOMMU, "iommufd missing (/dev/iommu absent; --backend iommufd)" },
	{ EX_VERIFY, M_SWEEP | M_VERIFY, "DMA verification failed" },
	{ EX_VERIFY, M_THREADS, "an anchor DMA failed (--anchor)" },
};

/* One mode's codes; without a mode, every code once, in general terms. */
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
	for (size_t i = 0; i < ARRAY_SIZE(exit_codes); i++)
		if (exit_codes[i].modes & (1u << o->mode))
			fprintf(f, "  %d  %s\n", exit_codes[i].code, exit_codes[i].text);
}

/* The default of option id in mode m, for its help; "" if it has none. */
static const char *default_of(enum opt_id id, enum mode m, char *buf, size_t len)
{
	struct opts d;

	set_defaults(&d, m);
	buf[0] = 0;
	switch (id) {
	case O_SIZE:
		fmt_size(buf, len, d.size);
		break;
	case O_DMA_SIZE:
		fmt_size(buf, len, d.dma_size);
		break;
	case O_STRIDE:
		snprintf(buf, len, "2M, or --dma-size if larger");
		break;
	case O_VERIFY:
		snprintf(buf, len, m == MODE_VERIFY ? "%llu" : "%llu: none",
			 (unsigned long long)d.verify);
		break;
	case O_BACKEND:
		snprintf(buf, len, "%s", backend_name(d.backend));
		break;
	case O_DEVICE:
		snprintf(buf, len, m == MODE_SWEEP ? "the first edu, else the first" :
			 "the first edu");
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
	case O_DURATION:
		snprintf(buf, len, m == MODE_URING ? "10" :
			 "none; churn and random without --ops: 5");
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

static void print_options(FILE *f, enum mode m)
{
	fputs("\nOptions:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(optdefs); i++) {
		const struct optdef *d = &optdefs[i];
		char left[48], dflt[64], help[320];

		if (!(d->modes & (1u << m)))
			continue;
		if (d->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", d->short_name,
				 d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		if (default_of(d->id, m, dflt, sizeof(dflt))[0])
			snprintf(help, sizeof(help), "%s (default %s)", d->help, dflt);
		else
			snprintf(help, sizeof(help), "%s", d->help);
		print_wrapped(f, left, help);
	}
}

void cli_help(FILE *f, const struct opts *o)
{
	if (!o->mode_given) {
		fputs("Usage: iova_stress [MODE] [OPTIONS]\n"
		      "Stress and measure IOMMU map/unmap and page-table memory through VFIO\n"
		      "or iommufd.\n\n"
		      "Modes:\n"
		      "  sweep    (default) map+unmap pairs over an IOVA range, measure page tables\n"
		      "  verify   sweep, then DMA-verify sample IOVAs with the edu device\n"
		      "  threads  concurrent map/unmap: partition, churn or random\n"
		      "  uring    io_uring random reads on an NVMe device: IOPS and latency\n"
		      "  dmamap   in-kernel dma_map_page+dma_unmap_page cost (lab debugfs hook)\n"
		      "\"iova_stress MODE --help\" shows the options of MODE.\n"
		      "sweep, verify and threads need root; the device must be bound to vfio-pci.\n\n",
		      f);
	} else {
		fprintf(f, "Usage: iova_stress %s [OPTIONS]\n\n", mode_name(o->mode));
	}
	fputs(mode_text[o->mode], f);
	print_options(f, o->mode);
	if (o->mode == MODE_SWEEP || o->mode == MODE_VERIFY)
		fputs("\nSIZE takes binary units K, M, G, T, P (64G, 16T); --json prints one object\n"
		      "per run (JSON Lines with --size2).\n", f);
	else if (o->mode == MODE_THREADS)
		fputs("\nSIZE takes binary units K, M, G, T, P (64G, 16T).\n", f);
	print_exit_codes(f, o);
}
