// SPDX-License-Identifier: GPL-2.0
/*
 * fio-shm.so: System V shared memory for Debian's fio in the lab's guest,
 * whose kernels are built without CONFIG_SYSVIPC (kernel/lab.config), as
 * anonymous shared mappings.  fio keeps its jobs' state in a segment it
 * gets with shmget()/shmat() even with --thread; scripts/guest/tests/fio.sh
 * preloads this library so that fio runs unchanged.  One process (fio
 * --thread) sees the segments; children of a fork() share those attached
 * before it, as with System V.  Built by scripts/lab.sh (FIO=1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define MAX_SEGMENTS 64

struct segment {
	size_t size;
	void *addr;	/* the mapping, once attached */
	int used;
	int removed;	/* IPC_RMID seen: gone at its detach */
};

static struct segment segs[MAX_SEGMENTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static struct segment *seg_of(int id)
{
	if (id < 0 || id >= MAX_SEGMENTS || !segs[id].used)
		return NULL;
	return &segs[id];
}

static void seg_drop(struct segment *s)
{
	memset(s, 0, sizeof(*s));
}

int shmget(key_t key, size_t size, int flags)
{
	int id;

	(void)key;
	(void)flags;
	if (!size) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&lock);
	for (id = 0; id < MAX_SEGMENTS && segs[id].used; id++)
		;
	if (id < MAX_SEGMENTS) {
		segs[id].used = 1;
		segs[id].size = size;
	}
	pthread_mutex_unlock(&lock);
	if (id == MAX_SEGMENTS) {
		errno = ENOSPC;
		return -1;
	}
	return id;
}

void *shmat(int id, const void *want, int flags)
{
	struct segment *s;
	void *addr = (void *)-1;

	(void)flags;
	pthread_mutex_lock(&lock);
	s = seg_of(id);
	if (!s || want) {
		errno = EINVAL;
	} else if (s->addr) {
		addr = s->addr;
	} else {
		addr = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
		if (addr == MAP_FAILED)
			addr = (void *)-1;
		else
			s->addr = addr;
	}
	pthread_mutex_unlock(&lock);
	return addr;
}

int shmdt(const void *addr)
{
	int id, ret = -1;

	pthread_mutex_lock(&lock);
	for (id = 0; id < MAX_SEGMENTS; id++) {
		struct segment *s = &segs[id];

		if (!s->used || !s->addr || s->addr != addr)
			continue;
		munmap(s->addr, s->size);
		s->addr = NULL;
		if (s->removed)
			seg_drop(s);
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&lock);
	if (ret)
		errno = EINVAL;
	return ret;
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	struct segment *s;
	int ret = 0;

	pthread_mutex_lock(&lock);
	s = seg_of(id);
	if (!s) {
		ret = -1;
	} else if (cmd == IPC_RMID) {
		s->removed = 1;
		if (!s->addr)
			seg_drop(s);
	} else if (cmd == IPC_STAT && buf) {
		memset(buf, 0, sizeof(*buf));
		buf->shm_segsz = s->size;
		buf->shm_nattch = s->addr != NULL;
	} else {
		ret = -1;
	}
	pthread_mutex_unlock(&lock);
	if (ret)
		errno = EINVAL;
	return ret;
}
