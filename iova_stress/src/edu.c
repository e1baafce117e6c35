// SPDX-License-Identifier: GPL-2.0
/* edu DMA through the VFIO device fd (config space + BAR0 regions). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "common.h"
#include "edu.h"
#include "rng.h"

#define EDU_REG_ID	0x00
#define EDU_REG_SRC	0x80
#define EDU_REG_DST	0x88
#define EDU_REG_CNT	0x90
#define EDU_REG_CMD	0x98
#define EDU_CMD_RUN	0x1
#define EDU_CMD_TO_RAM	0x2

/* Each DMA takes 100 ms of virtual time; TCG on a busy host is slower. */
#define EDU_TIMEOUT_NS	(10ULL * 1000000000ULL)

static int region(int fd, unsigned index, uint64_t *off, uint64_t *size, uint32_t *flags)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return -errno;
	*off = ri.offset;
	*size = ri.size;
	if (flags)
		*flags = ri.flags;
	return 0;
}

/*
 * The 64-bit registers go through an mmap of BAR0: a pwrite() of 8 bytes
 * may be split by vfio-pci into two 32-bit accesses, and edu ignores a
 * 32-bit write to the upper half of its address registers.
 */
static int wr64(struct edu *e, uint64_t reg, uint64_t v)
{
	*(volatile uint64_t *)(e->bar0 + reg) = v;
	return 0;
}

static int rd64(struct edu *e, uint64_t reg, uint64_t *v)
{
	*v = *(volatile uint64_t *)(e->bar0 + reg);
	return 0;
}

int edu_open(struct edu *e, int devfd)
{
	uint64_t cfg_size;
	uint32_t id = 0, flags = 0;
	uint16_t cmd = 0;
	void *map;
	int ret;

	memset(e, 0, sizeof(*e));
	e->fd = devfd;
	ret = region(devfd, VFIO_PCI_CONFIG_REGION_INDEX, &e->cfg_off, &cfg_size, NULL);
	if (!ret)
		ret = region(devfd, VFIO_PCI_BAR0_REGION_INDEX, &e->bar0_off, &e->bar0_size,
			     &flags);
	if (ret)
		return ist_err(EX_FAIL, "edu: VFIO_DEVICE_GET_REGION_INFO: %s", strerror(-ret));
	if (e->bar0_size < 0x100)
		return ist_err(EX_NODEV, "edu: BAR0 too small (%llu bytes): not an edu device?",
			       (unsigned long long)e->bar0_size);
	if (!(flags & VFIO_REGION_INFO_FLAG_MMAP))
		return ist_err(EX_FAIL, "edu: BAR0 cannot be mmapped through VFIO");

	/* VFIO leaves bus mastering off: set it (and memory decoding). */
	if (pread(devfd, &cmd, 2, (off_t)(e->cfg_off + PCI_COMMAND)) != 2)
		return ist_err(EX_FAIL, "edu: cannot read PCI_COMMAND: %s", strerror(errno));
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(devfd, &cmd, 2, (off_t)(e->cfg_off + PCI_COMMAND)) != 2)
		return ist_err(EX_FAIL, "edu: cannot enable bus mastering: %s", strerror(errno));

	map = mmap(NULL, (size_t)e->bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED, devfd,
		   (off_t)e->bar0_off);
	if (map == MAP_FAILED)
		return ist_err(EX_FAIL, "edu: cannot mmap BAR0: %s", strerror(errno));
	e->bar0 = map;
	id = *(volatile uint32_t *)(e->bar0 + EDU_REG_ID);
	if ((id & 0xff) != 0xed) {
		edu_close(e);
		return ist_err(EX_NODEV, "edu: identification register is 0x%08x, not 0x??0000ed", id);
	}
	return 0;
}

void edu_close(struct edu *e)
{
	if (e->bar0)
		munmap((void *)e->bar0, (size_t)e->bar0_size);
	e->bar0 = NULL;
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until the run bit is clear. */
static int wait_idle(struct edu *e)
{
	uint64_t start = now_ns(), cmd;

	for (;;) {
		if (rd64(e, EDU_REG_CMD, &cmd))
			return -EIO;
		if (!(cmd & EDU_CMD_RUN))
			return 0;
		if (now_ns() - start > EDU_TIMEOUT_NS)
			return -ETIMEDOUT;
		pause_ms(5);
	}
}

static int dma(struct edu *e, uint64_t src, uint64_t dst, uint32_t len, uint64_t cmd)
{
	int ret;

	if (!len || len > EDU_DMA_MAX)
		return -EINVAL;
	if (e->busy) {
		ret = wait_idle(e);
		if (ret)
			return ret;
		e->busy = false;
	}
	/* Our stores to the buffer must be done before the device reads it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (wr64(e, EDU_REG_SRC, src) || wr64(e, EDU_REG_DST, dst) ||
	    wr64(e, EDU_REG_CNT, len) || wr64(e, EDU_REG_CMD, cmd | EDU_CMD_RUN))
		return -EIO;
	ret = wait_idle(e);
	if (ret == -ETIMEDOUT)
		e->busy = true;
	/* ...and our loads from it must not be hoisted above the wait. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return ret;
}

int edu_to_device(struct edu *e, uint64_t iova, uint32_t len)
{
	return dma(e, iova, EDU_BUF_ADDR, len, 0);
}

int edu_to_ram(struct edu *e, uint64_t iova, uint32_t len)
{
	return dma(e, EDU_BUF_ADDR, iova, len, EDU_CMD_TO_RAM);
}

void edu_pattern(uint8_t *p, uint32_t len, uint64_t seed)
{
	uint64_t st = seed, v = 0;

	for (uint32_t i = 0; i < len; i++) {
		if (!(i & 7))
			v = rng_next(&st);
		p[i] = (uint8_t)(v >> (8 * (i & 7)));
	}
}

int edu_round_trip(struct edu *e, uint8_t *cpu, uint64_t iova, uint32_t len, uint64_t seed)
{
	uint8_t want[EDU_DMA_MAX];
	int ret;

	if (len > EDU_DMA_MAX)
		return -EINVAL;
	edu_pattern(want, len, seed);
	memcpy(cpu, want, len);
	ret = edu_to_device(e, iova, len);
	if (ret)
		return ret;
	memset(cpu, 0xc3, len);
	ret = edu_to_ram(e, iova, len);
	if (ret)
		return ret;
	return memcmp(cpu, want, len) ? 1 : 0;
}
