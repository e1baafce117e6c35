#!/usr/bin/env bash
# check-headers.sh: fail, naming them, if the uAPI headers copied into
# iova_stress/linux-headers/ differ from those of the installed
# linux-source-6.12 (scripts/kernel-src.sh headers: unpacks the tarball and
# runs headers_install once per Debian version, about a minute).  Refresh
# with: iova_stress/update-headers.sh "$(scripts/kernel-src.sh headers)"
set -euo pipefail
. "$(dirname "$0")/lib.sh"

inc=$("$REPO/scripts/kernel-src.sh" headers)
"$REPO/iova_stress/update-headers.sh" --check "$inc"
