#!/usr/bin/env bash
# run-guest.sh --image BZIMAGE --initrd INITRD [options] -- JOB...
# Boot a lab guest under QEMU (q35 + emulated VT-d + edu + NVMe), run JOB
# (a shell command line) in it and print what it wrote to stdout.  The
# console goes to OUT/console.log, the job's output to OUT/result.txt.
#
# Options:
#   --mem SIZE        guest memory (default $MEM or 4G)
#   --smp N           vCPUs (default 2)
#   --timeout SEC     kill a guest that has not powered off (default 900)
#   --lazy            iommu.strict=0 (flush queue) instead of strict mode
#   --scalable        VT-d scalable mode (x-scalable-mode=on, sm_on)
#   --sata            also a SATA disk on q35's built-in AHCI (/dev/sda in a
#                     kernel with CONFIG_SATA_AHCI): libata maps its DMA under
#                     a lock that its interrupt handler takes
#   --edu2            a second edu device (00:10.0) for the kernel's
#                     dma_map_benchmark driver (guest tests/mapbench.sh)
#   --no-nvme         no NVMe disk (nothing then maps DMA during the boot:
#                     the KUnit suite reads the IOMMU page counter exactly)
#   --append STR      more kernel command line
#   --out DIR         where logs go (default: a new build/runs/<time> folder)
#   --shell           interactive console instead of a job
#   --gdb PORT        QEMU's gdbstub on localhost:PORT (scripts/trace-dmamap.sh)
#   --quiet           do not echo the guest's console live
#
# Environment: ACCEL=tcg|kvm, ICOUNT=1 (TCG with -icount: guest time is
# guest instructions; see below).
#
# Exit: the job's exit code; 90 when the kernel log shows a report (BUG,
# WARNING, KASAN, lockdep, ...) or an unexpected DMAR fault; 91 when the
# guest hung and was killed; 92 when it died without finishing the job.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

image='' initrd='' mem=${MEM:-4G} smp=2 timeout=900 strict=1 scalable=0 append='' out=''
shell=0 quiet=0 sata=0 nvme=1 gdbport='' edu2=0
while (($#)); do
	case "$1" in
	--image) image=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--lazy) strict=0 ;;
	--scalable) scalable=1 ;;
	--sata) sata=1 ;;
	--no-nvme) nvme=0 ;;
	--edu2) edu2=1 ;;
	--append) append=$2; shift ;;
	--out) out=$2; shift ;;
	--shell) shell=1 ;;
	--gdb) gdbport=$2; shift ;;
	--quiet) quiet=1 ;;
	--) shift; break ;;
	*) die "run-guest.sh: unknown option '$1'" ;;
	esac
	shift
done
job="$*"
[[ -f $image ]] || die "kernel image '$image' not found (build it with make)"
[[ -f $initrd ]] || die "initramfs '$initrd' not found (build it with make)"
[[ $mem =~ ^[0-9]+[MG]$ ]] || die "bad guest memory size '$mem' (e.g. 4G, 512M)"
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "bad vCPU count '$smp'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "bad timeout '$timeout'"
((shell)) || [[ -n $job ]] || die "no job given"
[[ -z $gdbport || $gdbport =~ ^[1-9][0-9]*$ ]] || die "bad gdb port '$gdbport'"

[[ -n $out ]] || out=$BUILD/runs/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$out"
: >"$out/result.txt"
: >"$out/console.log"

icount=${ICOUNT:-0}
case $icount in 0 | 1) ;; *) die "unknown ICOUNT '$icount' (0|1)" ;; esac
if [[ ${ACCEL:-} == kvm ]]; then
	((icount == 0)) || die "ICOUNT needs TCG (ACCEL=tcg)"
	accel=(-accel kvm -cpu host)
elif ((icount)); then
	# The guest's clock counts its own instructions (1 ns each) while a
	# vCPU runs, and host time only while all are idle: guest CPU cost
	# with less of the host's noise (idle periods still carry it).  One
	# TCG thread.
	accel=(-accel 'tcg,thread=single' -icount 'shift=0,sleep=on' -cpu max)
else
	accel=(-accel 'tcg,thread=multi' -cpu max)
fi
iommu=intel-iommu,intremap=on,aw-bits=48
# no5lvl: -cpu max offers LA57, and 6.12's identify_cpu() clears the boot
# CPU's feature bits for a moment; an interrupt in that window makes KASAN
# compute its shadow bounds for 4-level paging and report a false
# "wild-memory-access" on a 5-level direct-map address.  4-level paging is
# plenty for the lab (the IOMMU's own address width is set by aw-bits).
cmdline="console=ttyS0 panic=-1 oops=panic no5lvl intel_iommu=on iommu.strict=$strict"
if ((scalable)); then
	iommu+=,x-scalable-mode=on
	cmdline="${cmdline/intel_iommu=on/intel_iommu=on,sm_on}"
fi
if ((shell)); then
	cmdline+=" vtd.job=$(printf shell | base64 -w0)"
else
	cmdline+=" vtd.job=$(printf '%s' "$job" | base64 -w0)"
fi
[[ -n $append ]] && cmdline+=" $append"
((${#cmdline} < 2000)) || die "kernel command line too long (${#cmdline} bytes): shorten the job"

# Sparse scratch disks per run, so that runs never share an image.
nvme_img=$out/nvme.img
sata_img=$out/sata.img
rm -f "$nvme_img" "$sata_img"

qemu=(qemu-system-x86_64 -machine 'q35,kernel-irqchip=split' "${accel[@]}" -smp "$smp" -m "$mem"
	-display none -no-reboot
	-device "$iommu" -device "edu,dma_mask=0xffffffffffffffff"
	-kernel "$image" -initrd "$initrd" -append "$cmdline")
((edu2)) && qemu+=(-device "edu,dma_mask=0xffffffffffffffff,addr=0x10")
if ((nvme)); then
	truncate -s 1G "$nvme_img"
	qemu+=(-drive "file=$nvme_img,if=none,id=nv0,format=raw" -device "nvme,serial=vtd0,drive=nv0")
fi
[[ -z $gdbport ]] || qemu+=(-gdb "tcp:127.0.0.1:$gdbport")
if ((sata)); then
	truncate -s 256M "$sata_img"
	qemu+=(-drive "file=$sata_img,if=none,id=satadisk,format=raw" -device "ide-hd,drive=satadisk,bus=ide.0")
fi

if ((shell)); then
	exec "${qemu[@]}" -serial mon:stdio -serial "file:$out/result.txt"
fi

rc=0
set +e
if ((quiet)); then
	timeout -k 5 "$timeout" "${qemu[@]}" -monitor none -serial stdio \
		-serial "file:$out/result.txt" </dev/null >"$out/console.log" 2>&1
	rc=$?
else
	# Show the job's own console lines live, not the kernel's.
	timeout -k 5 "$timeout" "${qemu[@]}" -monitor none -serial stdio \
		-serial "file:$out/result.txt" </dev/null 2>&1 | tee "$out/console.log" |
		grep -av --line-buffered '^\[' >&2
	rc=${PIPESTATUS[0]}
fi
set -e

rm -f "$nvme_img" "$sata_img"

# The job's output, without the exit marker.
grep -av '^VTD_EXIT ' "$out/result.txt" || true
status=$(grep -aoE '^VTD_EXIT [0-9]+' "$out/result.txt" | tail -n 1 | cut -d' ' -f2)

if ((rc == 124 || rc == 137)); then
	echo "error: guest did not power off within ${timeout}s; killed. Last console lines:" >&2
	tail -n 25 "$out/console.log" | sed 's/^/  | /' >&2
	exit 91
fi
if ! "$REPO/scripts/check-log.sh" "$out/console.log" "$out/result.txt"; then
	echo "error: guest kernel log check failed (full log: $out/console.log)" >&2
	exit 90
fi
if [[ -z $status ]]; then
	echo "error: guest ended (qemu exit $rc) without finishing the job. Last console lines:" >&2
	tail -n 25 "$out/console.log" | sed 's/^/  | /' >&2
	exit 92
fi
exit "$status"
