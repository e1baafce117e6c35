// SPDX-License-Identifier: GPL-2.0
/* Top level: options, environment checks in exit-code order, dispatch. */
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "app.h"
#include "common.h"
#include "mode.h"

static bool path_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st);
}

static int run_mode(const struct opts *o, const struct app_env *env,
		    const struct pci_dev *dev)
{
	if (env->run_mode)
		return env->run_mode(o->mode, o, env, dev);
	return o->mode->run(o, env, dev);
}

int app_run(int argc, char **argv, const struct app_env *env)
{
	struct pci_dev dev;
	struct opts o;
	int ret;

	ret = cli_parse(argc, argv, &o);
	if (ret)
		return ret;
	if (o.help) {
		cli_help(stdout, &o);
		fflush(stdout);
		return EX_OK;
	}
	if (o.version) {
		cli_version(stdout);
		fflush(stdout);
		return EX_OK;
	}
	if (!o.mode->uses_backend)
		/* e.g. dmamap needs only debugfs: the mode says so if it cannot open it */
		return run_mode(&o, env, NULL);

	if (env->euid != 0)
		return ist_err(EX_NOTROOT, "mode %s needs root (VFIO/iommufd and vm.stat_refresh)",
			       o.mode->name);
	if (o.backend == BACKEND_IOMMUFD && !path_exists(env->devfs, "iommu"))
		return ist_err(EX_NOIOMMUFD, "iommufd missing: %s/iommu does not exist (CONFIG_IOMMUFD)",
			       env->devfs);
	ret = pci_find_device(env->sysfs, o.device, &dev);
	if (ret)
		return ret;
	if ((o.verify || o.anchor) && !pci_is_edu(&dev))
		return ist_err(EX_NODEV, "device %s (%04x:%04x) is not an edu device (1234:11e8), needed for %s",
			       dev.bdf, dev.vendor, dev.device, o.anchor ? "--anchor" : "--verify");
	if (o.backend == BACKEND_IOMMUFD && dev.cdev < 0)
		return ist_err(EX_NODEV, "device %s has no VFIO cdev (no vfio-dev/vfioN in sysfs: CONFIG_VFIO_DEVICE_CDEV?)",
			       dev.bdf);
	return run_mode(&o, env, &dev);
}
