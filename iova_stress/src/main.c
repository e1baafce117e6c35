// SPDX-License-Identifier: GPL-2.0
/* iova_stress: IOMMU map/unmap stress and page-table measurement. */
#include <unistd.h>

#include "app.h"

int main(int argc, char **argv)
{
	struct app_env env = {
		.euid = geteuid(),
		.sysfs = "/sys",
		.procfs = "/proc",
		.devfs = "/dev",
	};

	return app_run(argc, argv, &env);
}
