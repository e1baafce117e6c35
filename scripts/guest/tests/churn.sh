#!/bin/sh
# Same-table churn through iommufd (really concurrent in the driver) with
# the edu anchor DMA running all along, then a sampled DMA verify.
# Usage: churn.sh OPS [extra iova_stress options]
# shellcheck shell=dash
# shellcheck disable=SC1091
# $out is set by run_check (lib.sh).
# shellcheck disable=SC2154
. /tests/lib.sh

ops=$1
shift
run_check churn iova_stress threads --pattern churn --backend iommufd --threads 2 --ops "$ops" \
	--anchor --json -q "$@"
n=$(json_num "$out" ops)
anchor=$(json_num "$out" anchor_dmas)
afail=$(json_num "$out" anchor_failures)
errors=$(json_num "$out" errors)
echo "churn: ${n:-?} ops, ${anchor:-?} anchor DMAs, ${afail:-?} anchor failures"
check "at least $ops map/unmap ops (got ${n:-none})" test "${n:-0}" -ge "$ops"
check "anchor DMAs ran (got ${anchor:-none})" test "${anchor:-0}" -gt 0
check "no failed anchor DMA (got ${afail:-none})" test "${afail:-1}" -eq 0
check "no map/unmap errors (got ${errors:-none})" test "${errors:-1}" -eq 0
run_check "sampled verify" iova_stress verify --size 64G --verify 4 --json -q
finish
