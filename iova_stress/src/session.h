/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IST_SESSION_H
#define IST_SESSION_H

#include "aperture.h"
#include "app.h"
#include "backend.h"
#include "result.h"

/* An open backend on the chosen device, shared by the IOMMU modes. */
struct session {
	const struct opts *o;
	const struct app_env *env;
	const struct pci_dev *dev;
	struct backend b;
	struct aperture ap;
};

/* Open the backend and read the aperture.  0 or an exit code. */
int session_open(struct session *s, const struct opts *o, const struct app_env *env,
		 const struct pci_dev *dev);
/* Unmap whatever is left (reported in *leftover if not NULL), close. */
void session_close(struct session *s, uint64_t *leftover);
/* Copy device, backend and aperture facts into a result. */
void session_describe(const struct session *s, struct run_result *r);

/* Is a failed map at [iova, iova+len) one of the reserved MSI window? */
bool iova_in_msi_window(uint64_t iova, uint64_t len);

/* Record a failed map/unmap in r (first few also on stderr). */
void note_error(struct run_result *r, bool is_map, int err, uint64_t iova);
void note_skip(struct run_result *r, uint64_t iova);

int verify_run(struct session *s, uint64_t size, void *buf, struct run_result *r);

#endif
