#!/bin/sh
# The page-table lock against a driver lock that interrupts take (boot with
# run-guest.sh --sata).  libata maps and unmaps its DMA under ap->lock, which
# its interrupt handler also takes; the NVMe and iommufd threads take the
# page-table lock from task context at the same time.  A series whose readers
# took the lock with interrupts on (v3) could deadlock here against a waiting
# reclaim writer, and lockdep reports the lock order at once: the lab's log
# check fails the run.  The job itself checks that every I/O and map worked.
# Usage: sata.sh SECONDS
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

dur=${1:-10}
check "SATA disk /dev/sda present" test -b /dev/sda
check "NVMe disk /dev/nvme0n1 present" test -b /dev/nvme0n1

iova_stress uring --dev /dev/sda --qd 8 --duration "$dur" --json -q >/tmp/sata.json &
sata_pid=$!
iova_stress uring --dev /dev/nvme0n1 --qd 8 --duration "$dur" --json -q >/tmp/nvme.json &
nvme_pid=$!
churn=$(iova_stress threads --pattern churn --backend iommufd --threads 2 --duration "$dur" \
	--json -q)
churn_rc=$?
wait "$sata_pid"
sata_rc=$?
wait "$nvme_pid"
nvme_rc=$?

for f in sata nvme; do
	out=$(cat /tmp/$f.json)
	echo "$out"
	ios=$(json_num "$out" ios)
	echo "$f: ${ios:-?} reads"
	check "$f reads ran (got ${ios:-none})" test "${ios:-0}" -gt 0
done
echo "$churn"
n=$(json_num "$churn" ops)
errors=$(json_num "$churn" errors)
echo "churn: ${n:-?} ops, ${errors:-?} errors"
check "SATA reads exit 0 (got $sata_rc)" test "$sata_rc" -eq 0
check "NVMe reads exit 0 (got $nvme_rc)" test "$nvme_rc" -eq 0
check "churn exits 0 (got $churn_rc)" test "$churn_rc" -eq 0
check "churn ran (got ${n:-none} ops)" test "${n:-0}" -gt 0
check "no map/unmap errors (got ${errors:-none})" test "${errors:-1}" -eq 0
finish
