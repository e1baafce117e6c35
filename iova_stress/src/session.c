// SPDX-License-Identifier: GPL-2.0
/* Backend session shared by sweep, verify and threads. */
#include <inttypes.h>
#include <string.h>

#include "common.h"
#include "session.h"

#define SHOW_ERRORS 5

int session_open(struct session *s, const struct opts *o, const struct app_env *env,
		 const struct pci_dev *dev)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->env = env;
	s->dev = dev;
	ret = backend_open(&s->b, o->backend, dev, env->devfs);
	if (ret)
		return ret;
	ret = s->b.ops->aperture(&s->b, &s->ap);
	if (ret) {
		backend_close(&s->b);
		return ret;
	}
	return 0;
}

void session_close(struct session *s, uint64_t *leftover)
{
	uint64_t bytes = 0;

	if (!s->b.priv)
		return;
	if (s->b.ops->unmap_all(&s->b, &bytes))
		bytes = 0;
	if (leftover)
		*leftover = bytes;
	backend_close(&s->b);
}

void session_describe(const struct session *s, struct run_result *r)
{
	str_copy(r->device, s->dev->bdf, sizeof(r->device));
	r->group = s->dev->group;
	r->backend = s->b.ops->name;
	r->aperture_known = s->ap.known;
	r->aperture_last = aperture_last(&s->ap);
}

bool iova_in_msi_window(uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;

	return iova <= MSI_WINDOW_END && last >= MSI_WINDOW_START;
}

void note_error(struct run_result *r, bool is_map, int err, uint64_t iova)
{
	uint64_t n;

	if (is_map)
		n = ++r->map_errors;
	else
		n = ++r->unmap_errors;
	r->last_errno = err < 0 ? -err : err;
	r->last_err_iova = iova;
	if (n <= SHOW_ERRORS)
		ist_warn("%s at iova 0x%" PRIx64 " failed: %s%s", is_map ? "map" : "unmap", iova,
			 strerror(r->last_errno),
			 n == SHOW_ERRORS ? " (further errors only counted)" : "");
}

void note_skip(struct run_result *r, uint64_t iova)
{
	if (r->skipped < RESULT_SHOW_SKIPPED)
		r->skipped_iova[r->skipped] = iova;
	r->skipped++;
}
