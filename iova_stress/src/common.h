/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_COMMON_H
#define IST_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes: documented in --help (see cli.c). */
enum ist_exit {
	EX_OK = 0,
	EX_FAIL = 1,		/* other runtime failure */
	EX_USAGE = 2,		/* bad option, unit or number */
	EX_APERTURE = 3,	/* --size beyond the IOMMU aperture */
	EX_NODEV = 4,		/* no VFIO device bound / no such device */
	EX_NOTROOT = 5,		/* needs root */
	EX_BUSY = 6,		/* device busy (EBUSY on open/bind) */
	EX_NOIOMMUFD = 7,	/* /dev/iommu missing */
	EX_VERIFY = 8,		/* DMA verification failed */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SZ_4K	(1ULL << 12)
#define SZ_2M	(1ULL << 21)
#define SZ_1G	(1ULL << 30)
#define SZ_1T	(1ULL << 40)

/* The x86 MSI window: VFIO type1 refuses to map it (EINVAL). */
#define MSI_WINDOW_START	0xfee00000ULL
#define MSI_WINDOW_END		0xfeefffffULL

/*
 * Print one line "iova_stress: <msg>" on stderr and return @code, so
 * that error paths read "return ist_err(EX_NODEV, "...")".
 */
int ist_err(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ist_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The exit code an errno (either sign) from opening or using a device
 * node or file means: ENOENT, ENODEV, ENXIO, ENOTDIR EX_NODEV; EACCES,
 * EPERM EX_NOTROOT; EBUSY EX_BUSY; anything else EX_FAIL.  The one
 * mapping every mode and backend uses (they word the message).
 */
int errno_exit(int err);

/* Copy src into dst of size len, always terminated; -1 if truncated. */
int str_copy(char *dst, const char *src, size_t len);

/*
 * A whole small file (procfs, sysfs) into buf, NUL-terminated and cut at
 * len - 1 bytes; -1 if it cannot be opened.
 */
int read_small_file(const char *path, char *buf, size_t len);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

/* Set by SIGINT/SIGTERM: long loops stop early and clean up. */
extern volatile int ist_stop;
void ist_install_signals(void);

#endif
