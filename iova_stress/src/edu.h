/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_EDU_H
#define IST_EDU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * QEMU's edu device (1234:11e8) driven through a VFIO device fd.  DMA
 * registers in BAR0: 0x80 src, 0x88 dst, 0x90 count, 0x98 cmd (bit 0 run,
 * bit 1 device -> RAM).  The device buffer sits at device address 0x40000;
 * QEMU 7.2 aborts the VM on a 4096-byte transfer, so at most 4088.
 */
#define EDU_BUF_ADDR	0x40000ULL
#define EDU_DMA_MAX	4088u

struct edu {
	int fd;
	uint64_t cfg_off;
	uint64_t bar0_off;
	uint64_t bar0_size;
	volatile uint8_t *bar0;	/* mmap of BAR0 */
	bool busy;		/* a previous DMA timed out */
};

/* Regions, identity check, bus mastering on.  0 or an exit code. */
int edu_open(struct edu *e, int devfd);
void edu_close(struct edu *e);

/*
 * One DMA of len bytes between IOVA iova and the device buffer, waiting
 * until the device is done.  0, or -ETIMEDOUT / -EIO (nothing printed).
 */
int edu_to_device(struct edu *e, uint64_t iova, uint32_t len);
int edu_to_ram(struct edu *e, uint64_t iova, uint32_t len);

/*
 * Round trip through the device: fill cpu[0..len) (the memory mapped at
 * iova) with a pattern derived from seed, DMA it to the device, overwrite
 * it with a canary, DMA it back, compare.  0 if the pattern came back, 1
 * on a mismatch, -errno if a DMA did not complete.
 */
int edu_round_trip(struct edu *e, uint8_t *cpu, uint64_t iova, uint32_t len, uint64_t seed);

/* Deterministic test pattern. */
void edu_pattern(uint8_t *p, uint32_t len, uint64_t seed);

#endif
