// SPDX-License-Identifier: GPL-2.0
/* Per-thread fault injection through /proc/thread-self/make-it-fail. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "failinject.h"

int failinject_open(const char *procfs)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/thread-self/make-it-fail", procfs) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int failinject_set(int fd, bool on)
{
	/* the kernel parses the value from offset 0 on every write */
	if (pwrite(fd, on ? "1\n" : "0\n", 2, 0) != 2)
		return errno ? -errno : -EIO;
	return 0;
}

int failinject_probe(const char *procfs)
{
	int fd = failinject_open(procfs), ret;

	if (fd < 0)
		return fd;
	ret = failinject_set(fd, false);
	close(fd);
	return ret;
}
