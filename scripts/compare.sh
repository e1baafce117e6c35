#!/usr/bin/env bash
# compare.sh: `make compare`: vanilla vs patched benchmarks on the lab kernels,
# into results/<debian kernel version>/ (report.md, data.csv, plots, raw/) and
# results/latest/summary.json, plus the README's headline table.
#
# Every round boots the kernels alternately (vanilla, patched, vanilla,
# patched) through `scripts/lab.sh job KERNEL lab CMD`:
#   strict boots  io_uring 4K random reads on the NVMe at QD1 and QD32 by
#                 iova_stress and by fio, the kernel's dma_map_benchmark
#                 with 1 and 2 threads (on a second edu device), the iommufd
#                 threads churn, then the iova_stress sweeps (vfio and
#                 iommufd) of every size, all in one boot
#   lazy boots    the io_uring, fio and dma_map_benchmark runs again with
#                 iommu.strict=0
# The guest's output of every boot is kept verbatim in raw/; the report is
# generated from raw/ alone by scripts/report (which can be rerun any time).
#
# Environment (make exports QUICK and MEM):
#   QUICK=1          1 round, sweeps of 64G and 256G on both kernels and 1T on
#                    the patched one (about 3 min here); QUICK=0: 3 rounds, 64G
#                    256G 1T 2T on both kernels and 16T (vanilla only if it
#                    fits in guest memory, else recorded as not run)
#   ROUNDS, SIZES, SIZES_PATCHED, DURATION (s)   override those defaults
#   BIG_ROUNDS       rounds that also sweep SIZES_PATCHED (default 1: the 16T
#                    sweeps, half of a full run's time, once; BIG_ROUNDS=3
#                    with the default ROUNDS=3 sweeps them in every round)
#   TOOL_ROUNDS      rounds that also run the external tools, fio and
#                    dma_map_benchmark (default 1).  The full three-round
#                    run: ROUNDS=3 BIG_ROUNDS=3 TOOL_ROUNDS=3
#   MEM              smallest guest memory (default 4G); sweep boots get more
#                    when vanilla's page tables need it (~2 GiB per TiB)
#   MAX_GUEST_MEM    largest guest memory to give (default: MemAvailable - 3G)
#   SWEEP_S_PER_TIB  sweep time estimate for the ETA, "vanilla patched" seconds
#                    per TiB (default "8 10": the 1T-2T medians of both
#                    backends, TCG here, 2026-12-06; "38 29" on 2026-11-23:
#                    the host's speed varies, the ETA corrects itself after
#                    each boot)
#   RESUME=1         keep raw/ of an interrupted run with the same plan and
#                    redo only the boots that did not finish
#   WAIT_IDLE=0      do not wait for other QEMUs/compilers on this machine
#   CONTENDED_RETRIES  times a boot that saw another QEMU/compiler running is
#                    redone (default 2; the last attempt is kept and flagged)
#   ACCEL=tcg|kvm    as for lab.sh (default: probed once)
#   BENCH=uring      only the io_uring runs, iova_stress's and fio's (every
#                    boot 4G or MEM, no sweeps or churn): the DMA-API figures
#                    with more ROUNDS or a longer DURATION than a full compare
#                    affords
#   BENCH=dmamap     the io_uring runs plus `iova_stress dmamap` on the NVMe
#                    (ITERS map+unmap pairs of one 4 KiB page through the lab's
#                    dma_map_bench hook, kernel/lab/): the DMA-API cost per
#                    map+unmap, to run with ICOUNT=1, where that loop's time
#                    is its instruction count
#   ITERS            pairs per dmamap run (default 200000)
#   ICOUNT=1         TCG with -icount shift=0: the guest's clock counts its
#                    own instructions while it runs (host time only while it
#                    idles); idle periods still carry the host's noise, and
#                    cache or lock-line effects are not modelled
#   MAPBENCH_S       seconds per dma_map_benchmark run (default 5): the kernel's
#                    own DMA-API benchmark on a second edu device, 1 and 2
#                    threads, in the strict and lazy boots of the first
#                    TOOL_ROUNDS rounds (BENCH=all)
#   LATENCY=0|1      after the boots, scripts/latency.sh with ICOUNT=1 into
#                    raw/latency/: the interrupts-off and preemption-off
#                    latency of the trace kernels (default 1 with BENCH=all
#                    and QUICK=0, else 0)
#   OUT=DIR          write the report there instead of results/<version>/ (which
#                    is then left alone, and so are results/latest/ and the
#                    README); e.g. OUT=results/<version>/dma-api
set -euo pipefail
. "$(dirname "$0")/lib.sh"

QUICK=${QUICK:-0}
case $QUICK in 0 | 1) ;; *) die "unknown QUICK '$QUICK' (0|1)" ;; esac
if ((QUICK)); then
	rounds=${ROUNDS:-1} sizes=${SIZES:-64G 256G} big=${SIZES_PATCHED:-1T}
else
	rounds=${ROUNDS:-3} sizes=${SIZES:-64G 256G 1T 2T} big=${SIZES_PATCHED:-16T}
fi
duration=${DURATION:-8}
mapbench_s=${MAPBENCH_S:-5}
[[ $mapbench_s =~ ^[1-9][0-9]*$ ]] || die "bad MAPBENCH_S '$mapbench_s'"
big_rounds=${BIG_ROUNDS:-1}
[[ $big_rounds =~ ^[0-9]+$ ]] || die "bad BIG_ROUNDS '$big_rounds'"
tool_rounds=${TOOL_ROUNDS:-1}
[[ $tool_rounds =~ ^[0-9]+$ ]] || die "bad TOOL_ROUNDS '$tool_rounds'"
bench=${BENCH:-all}
case $bench in all | uring | dmamap) ;; *) die "unknown BENCH '$bench' (all|uring|dmamap)" ;; esac
iters=${ITERS:-200000}
[[ $iters =~ ^[1-9][0-9]*$ ]] || die "bad ITERS '$iters'"
case ${ICOUNT:-0} in 0 | 1) ;; *) die "unknown ICOUNT '$ICOUNT' (0|1)" ;; esac
read -r sptib_v sptib_p <<<"${SWEEP_S_PER_TIB:-8 10}"
sptib_p=${sptib_p:-$sptib_v}
boot_s=8
# A boot with one TCG thread under -icount: measured 35m46s for 20 boots of
# two 10 s io_uring runs each on 2026-11-30, about 85 s per boot beyond them.
((${ICOUNT:-0})) && boot_s=85
# Host time per dmamap pair (µs), for the ETA: a guess on the high side.
# With it, 12 ICOUNT=1 boots of two 5 s io_uring runs and 200,000 pairs were
# estimated at 20m36s and took 13m16s-14m57s (2026-11-30).
dmamap_us=20
backends=(vfio iommufd)
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "bad ROUNDS '$rounds'"
[[ $duration =~ ^[1-9][0-9]*$ ]] || die "bad DURATION '$duration'"
[[ $sptib_v$sptib_p =~ ^[0-9]+$ ]] || die "bad SWEEP_S_PER_TIB '${SWEEP_S_PER_TIB:-}'"

# ---- sizes and memory --------------------------------------------------------

# in_unit UNIT NAME SIZE: SIZE (iova_stress's size grammar, which the sweep
# sizes are given to it in) in whole UNITs (G, M); NAME for the message.
in_unit() {
	local out
	out=$(python3 "$REPO/scripts/report" --size="$3" --unit "$1" --name "$2" 2>&1) || die "$out"
	echo "$out"
}

# gib SIZE: a sweep size (64G, 1T, 16T) in GiB.
gib() { in_unit G 'sweep size' "$1"; }

# mib SIZE: a memory size (4G, 512M) in MiB.
mib() { in_unit M 'memory size' "$1"; }

# need_mib KERNEL SIZE: guest memory a sweep of SIZE needs.  Vanilla keeps
# about 2 GiB of page tables per TiB swept (2.1 MiB per GiB, with margin);
# the patched kernel keeps a few pages.  1.5 GiB for the rest of the guest.
need_mib() {
	local g
	g=$(gib "$2")
	if [[ $1 == vanilla ]]; then
		echo $((1536 + g * 21 / 10))
	else
		echo 1536
	fi
}

# round_gib MIB: the guest size, whole GiB, that holds MIB.
round_gib() {
	echo $((($1 + 1023) / 1024))
}

base_mib=$(mib "${MEM:-4G}")
if [[ -n ${MAX_GUEST_MEM:-} ]]; then
	budget_mib=$(mib "$MAX_GUEST_MEM")
else
	budget_mib=$(($(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo) - 3072))
fi
((budget_mib >= base_mib)) ||
	die "MEM=${MEM:-4G} does not fit: only $((budget_mib / 1024)) GiB to give (MAX_GUEST_MEM)"

# hms SECONDS: 1h02m, 12m05s, 42s.
hms() {
	local s=$1
	if ((s >= 3600)); then
		printf '%dh%02dm' $((s / 3600)) $((s % 3600 / 60))
	elif ((s >= 60)); then
		printf '%dm%02ds' $((s / 60)) $((s % 60))
	else
		printf '%ds' "$s"
	fi
}

# ---- the plan ----------------------------------------------------------------

ver=$(debver)
res=$REPO/results/$ver
if [[ -n ${OUT:-} ]]; then
	mkdir -p "$(dirname "$OUT")"
	res=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
	[[ $res != "$REPO/results/$ver" ]] || unset OUT
fi
raw=$res/raw
logs=$BUILD/compare-logs/$ver

# Which sizes each kernel sweeps, and those that cannot fit.
is_big() { [[ " $big " == *" $1 "* && " $sizes " != *" $1 "* ]]; }
declare -A ksizes
ksizes[patched]="$sizes $big"
ksizes[vanilla]=$sizes
((QUICK)) || ksizes[vanilla]+=" $big"
if [[ $bench != all ]]; then
	ksizes[patched]='' ksizes[vanilla]=''
fi
sweep_mib=$base_mib
notrun=()
for k in vanilla patched; do
	fit=()
	for s in ${ksizes[$k]}; do
		n=$(need_mib "$k" "$s")
		if ((n > budget_mib)); then
			for ((r = 1; r <= rounds; r++)); do
				is_big "$s" && ((r > big_rounds)) && continue
				for b in "${backends[@]}"; do
					notrun+=("$(printf '#notrun {"kernel":"%s","round":%d,"benchmark":"sweep","backend":"%s","size":"%s","mode":"strict","need_mib":%d,"note":"needs %d GiB of guest memory, the budget here is %d GiB"}' \
						"$k" "$r" "$b" "$s" "$n" "$(round_gib "$n")" $((budget_mib / 1024)))")
				done
			done
			continue
		fi
		fit+=("$s")
		((n > sweep_mib)) && sweep_mib=$n
	done
	ksizes[$k]=${fit[*]}
done
sweep_mem=$(round_gib "$sweep_mib")G
lazy_mem=$(round_gib "$base_mib")G
((base_mib % 1024 == 0)) || lazy_mem=${base_mib}M

# Boots: name, kernel, round, mode, memory, job, #run lines, run estimates.
b_name=() b_kernel=() b_round=() b_mode=() b_mem=() b_job=() b_meta=() b_est=()
declare -A run_desc run_before
# The guest helper: r ID CMD... runs CMD, announces it on the console (for
# the progress line) and ends its output with "@@ ID EXIT STDERR".  These are
# guest shell code: nothing in them expands here.
# shellcheck disable=SC2016
helper='r(){ i=$1;shift;echo "compare-run $i" >&2;"$@" 2>/tmp/e;c=$?;echo "@@ $i $c $(tr "\n" " " </tmp/e|cut -c1-300)";};'
# shellcheck disable=SC2016
helper+='echo "@@info $(grep -c ^processor /proc/cpuinfo) $(awk "/^MemTotal:/{print \$2}" /proc/meminfo) $(uname -r)";'
helper+='S="iova_stress sweep --shrink --json -q";'

add_boot() { # KERNEL ROUND MODE
	local k=$1 r=$2 mode=$3 seq=$((${#b_name[@]} + 1)) n=0 job=$helper meta='' est=$boot_s
	local id qd b s e t mem=$lazy_mem sptib=$sptib_v
	[[ $k == patched ]] && sptib=$sptib_p
	add_run() { # ESTIMATE DESCRIPTION META-JSON COMMAND
		n=$((n + 1))
		id=$seq.$n
		run_desc[$id]=$2
		run_before[$id]=$est
		est=$((est + $1))
		meta+="#run {\"id\":\"$id\",$3}"$'\n'
		job+="r $id $4;"
	}
	for qd in 1 32; do
		add_run $((duration + 1)) "r$r $k uring qd$qd $mode" \
			"\"benchmark\":\"uring\",\"backend\":\"dma-api\",\"mode\":\"$mode\",\"qd\":$qd" \
			"iova_stress uring --dev /dev/nvme0n1 --qd $qd --duration $duration --json -q"
	done
	if [[ $bench != dmamap ]] && ((r <= tool_rounds)); then
		for qd in 1 32; do
			add_run $((duration + 2)) "r$r $k fio qd$qd $mode" \
				"\"benchmark\":\"fio\",\"backend\":\"dma-api\",\"mode\":\"$mode\",\"qd\":$qd" \
				"sh /tests/fio.sh $qd $duration"
		done
	fi
	if [[ $bench == all ]] && ((r <= tool_rounds)); then
		for t in 1 2; do
			add_run $((mapbench_s + 2)) "r$r $k map_bench t$t $mode" \
				"\"benchmark\":\"map_bench\",\"backend\":\"dma-api\",\"mode\":\"$mode\",\"threads\":$t" \
				"sh /tests/mapbench.sh $t $mapbench_s"
		done
	fi
	if [[ $bench == dmamap ]]; then
		add_run $((iters * dmamap_us / 1000000 + 2)) "r$r $k dmamap $mode" \
			"\"benchmark\":\"dmamap\",\"backend\":\"dma-api\",\"mode\":\"$mode\"" \
			"iova_stress dmamap --dev /dev/nvme0n1 --iters $iters --json -q"
	fi
	if [[ $mode == strict && $bench == all ]]; then
		mem=$sweep_mem
		add_run $((duration + 2)) "r$r $k churn iommufd (2 threads)" \
			"\"benchmark\":\"churn\",\"backend\":\"iommufd\",\"mode\":\"$mode\"" \
			"iova_stress threads --pattern churn --backend iommufd --threads 2 --duration $duration --json -q"
		for b in "${backends[@]}"; do
			for s in ${ksizes[$k]}; do
				is_big "$s" && ((r > big_rounds)) && continue
				e=$(($(gib "$s") * sptib / 1024 + 1))
				add_run "$e" "r$r $k sweep $b $s" \
					"\"benchmark\":\"sweep\",\"backend\":\"$b\",\"size\":\"$s\",\"mode\":\"$mode\"" \
					"\$S -b $b -s $s"
			done
		done
	fi
	b_name+=("$(printf '%03d-r%d-%s-%s' "$seq" "$r" "$k" "$mode")")
	b_kernel+=("$k") b_round+=("$r") b_mode+=("$mode") b_mem+=("$mem")
	b_job+=("${job}true") b_meta+=("$meta") b_est+=("$est")
}

for ((r = 1; r <= rounds; r++)); do
	for mode in strict lazy; do
		for k in vanilla patched; do
			add_boot "$k" "$r" "$mode"
		done
	done
done
nboots=${#b_name[@]}
# The job travels base64-encoded on the kernel command line (< 2000 bytes).
for j in "${b_job[@]}"; do
	n=$(printf '%s' "$j" | base64 -w0 | wc -c)
	((n <= 1800)) || die "a guest job is too long for the kernel command line ($n bytes" \
		"base64): fewer SIZES per boot"
done
total_est=0
for e in "${b_est[@]}"; do total_est=$((total_est + e)); done
latency=${LATENCY:-$([[ $bench == all && $QUICK == 0 ]] && echo 1 || echo 0)}
case $latency in 0 | 1) ;; *) die "unknown LATENCY '$latency' (0|1)" ;; esac
# scripts/latency.sh with ICOUNT=1, one vCPU, both kernels built: measured
# LAT_EST_S seconds here (2026-12-07).
lat_est=0
((latency)) && lat_est=${LAT_EST_S:-600}
plan_hash=$(printf '%s\n' "${b_name[@]}" "${b_mem[@]}" "${b_job[@]}" "${b_meta[@]}" |
	sha256sum | cut -c1-16)

# ---- machine sharing -----------------------------------------------------------

# wait_idle: benchmarks next to another QEMU or kernel build measure nothing.
wait_idle() {
	[[ ${WAIT_IDLE:-1} == 1 ]] || return 0
	local n=0
	while pgrep -f qemu-system >/dev/null || pgrep -f 'cc1 ' >/dev/null; do
		((n++ % 10)) || log "another QEMU or compiler runs on this machine: waiting (polling every 30 s)"
		sleep 30
	done
}

# ---- results folder -------------------------------------------------------------

t_start=$SECONDS
resumed=''
if [[ ${RESUME:-0} == 1 && -f $raw/setup.txt ]]; then
	old=$(sed -n 's/^plan=//p' "$raw/setup.txt")
	[[ $old == "$plan_hash" ]] ||
		die "RESUME=1 but $raw was made with another plan (QUICK, ROUNDS, SIZES, MEM...): move it away"
	log "resuming in $res"
	resumed=' (resumed)'
elif [[ -e $res ]]; then
	# Only this report's own files: the folders of other reports made
	# with OUT=results/<version>/NAME (raw/ aside) stay where they are.
	keep=$BUILD/compare-old/$ver-$(date +%Y%m%d-%H%M%S)
	mkdir -p "$keep"
	for f in "$res"/* "$res"/.[!.]*; do
		[[ -e $f ]] || continue
		[[ -d $f && $(basename "$f") != raw ]] && continue
		mv "$f" "$keep/"
	done
	log "previous results moved to $keep"
fi
mkdir -p "$raw" "$logs"
rm -f "$raw"/*.tmp

log "compare: $nboots boots, $rounds round(s), sweeps vanilla: ${ksizes[vanilla]:-none}," \
	"patched: ${ksizes[patched]:-none}; guest memory: sweeps $sweep_mem, budget" \
	"$((budget_mib / 1024)) GiB; estimate $(hms "$total_est")$( ((latency)) &&
		echo " + latency tracers $(hms "$lat_est")") after the kernels are built"
((${#notrun[@]})) && log "not run (memory): $(printf '%s\n' "${notrun[@]}" |
	grep -o '"size":"[^"]*"' | sort -u | wc -l) size(s) of vanilla"

# ---- kernels, initramfs, accelerator -------------------------------------------

wait_idle
vimg=$(timed "kernel vanilla/lab" "$REPO/scripts/build-kernel.sh" vanilla lab)
wait_idle
timed "kernel patched/lab" "$REPO/scripts/build-kernel.sh" patched lab >/dev/null
FIO=1 timed initramfs "$REPO/scripts/lab.sh" initramfs
wait_idle
ACCEL=$("$REPO/scripts/accel.sh" "$vimg" "$BUILD/$ver/initramfs.cpio.gz")
export ACCEL

if [[ ! -f $raw/setup.txt ]]; then
	dirty=''
	[[ -z $(git -C "$REPO" status --porcelain -- kernel iova_stress scripts/guest 2>/dev/null) ]] ||
		dirty=-dirty
	{
		echo "# make compare: the machine and the plan (read by scripts/report)"
		echo "kernel_version=$ver"
		echo "series_commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$dirty"
		echo "series_hash=$(series_hash)"
		echo "lab_patches=$(lab_hash)"
		echo "lab_config=$(sha256sum "$REPO/kernel/lab.config" | cut -c1-12)"
		if grep -qx 'CONFIG_NO_HZ_IDLE=y' "$REPO/kernel/lab.config"; then
			echo "lab_tick=tickless idle"
		else
			echo "lab_tick=periodic"
		fi
		echo "host_nproc=$(nproc)"
		echo "host_cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "host_mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
		echo "host_kernel=$(uname -r)"
		echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
		echo "accel=$ACCEL"
		echo "quick=$QUICK"
		echo "rounds=$rounds"
		echo "sizes=$sizes"
		echo "sizes_patched=$big"
		echo "big_rounds=$big_rounds"
		echo "tool_rounds=$tool_rounds"
		echo "duration=$duration"
		echo "bench=$bench"
		[[ $bench != dmamap ]] || echo "iters=$iters"
		echo "icount=${ICOUNT:-0}"
		echo "max_guest_mem=$((budget_mib / 1024)) GiB"
		echo "plan=$plan_hash"
		echo "contended_retries=${CONTENDED_RETRIES:-2}"
		echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$raw/setup.txt"
fi
((${#notrun[@]})) && printf '%s\n' "${notrun[@]}" >"$raw/000-not-run.txt"

# ---- the boots -------------------------------------------------------------------

# progress BOOT-INDEX DONE-ESTIMATE FACTOR: filter lab.sh's stderr (the guest
# console, phase timings): a line per run with elapsed time and ETA; errors
# and phase timings pass; everything goes to the boot's log.
progress() {
	local i=$1 done_est=$2 factor=$3 line id el eta log=$logs/${b_name[$1]}.log
	: >"$log"
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$log"
		if [[ $line =~ compare-run\ ([0-9]+\.[0-9]+) && -n ${run_desc[${BASH_REMATCH[1]}]:-} ]]; then
			id=${BASH_REMATCH[1]}
			el=$((SECONDS - t_bench))
			eta=$(((total_est - done_est - ${run_before[$id]}) * factor / 100))
			printf '[%s elapsed, ETA %s] boot %d/%d: %s\n' "$(hms "$el")" "$(hms "$eta")" \
				$((i + 1)) "$nboots" "${run_desc[$id]}" >&2
		elif [[ $line == '==> '* || $line == *error* || $line == *warning* ]]; then
			printf '    %s\n' "$line" >&2
		fi
	done
}

# watch_others FLAG: while a boot runs, note (in FLAG) any other QEMU or any
# compiler on the machine: such a boot measured a shared machine.
watch_others() {
	while :; do
		if (($(pgrep -c -x qemu-system-x86 || true) > 1)) || pgrep -f 'cc1 ' >/dev/null; then
			echo 1 >"$1"
		fi
		sleep 2
	done
}

# boot I FACTOR: one boot into $raw/NAME.txt.tmp; sets rc, wall, note, contended.
boot() {
	local i=$1 factor=$2 out=$raw/${b_name[$1]}.txt.tmp k=${b_kernel[$1]} t0 wpid
	local flag=$logs/${b_name[$1]}.others
	{
		printf '#boot {"seq":%d,"round":%d,"kernel":"%s","mode":"%s","mem":"%s","started":"%s"}\n' \
			$((i + 1)) "${b_round[i]}" "$k" "${b_mode[i]}" "${b_mem[i]}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		printf '%s' "${b_meta[i]}"
	} >"$out"
	rm -f "$flag"
	watch_others "$flag" &
	wpid=$!
	t0=$SECONDS
	# stdout (the job's output) to the raw file, stderr through progress.
	set +e
	MEM=${b_mem[i]} MODE=${b_mode[i]} TIMEOUT=$((b_est[i] * 3 + 300)) EDU2=1 FIO=1 \
		"$REPO/scripts/lab.sh" job "$k" lab "${b_job[i]}" 2>&1 >>"$out" |
		progress "$i" "$done_est" "$factor"
	rc=${PIPESTATUS[0]}
	set -e
	wall=$((SECONDS - t0))
	kill "$wpid" 2>/dev/null || true
	wait "$wpid" 2>/dev/null || true
	contended=false
	[[ -f $flag ]] && contended=true
	rm -f "$flag"
	note=$(grep -a '^error:' "$logs/${b_name[i]}.log" 2>/dev/null | tail -n 1 | cut -c1-200 || true)
	note=${note//[^[:print:]]/}
	note=${note//[\"\\]/}
	printf '#end {"rc":%d,"wall_s":%d,"contended":%s,"note":"%s"}\n' \
		"$rc" "$wall" "$contended" "$note" >>"$out"
}

retries=${CONTENDED_RETRIES:-2}
t_bench=$SECONDS
done_est=0 done_wall=0 failed_boots=0 contended_boots=0
for ((i = 0; i < nboots; i++)); do
	name=${b_name[i]}
	if [[ -f $raw/$name.txt ]]; then
		log "boot $((i + 1))/$nboots ($name): done before, kept"
		done_est=$((done_est + b_est[i]))
		continue
	fi
	# ETA factor (percent): how the boots so far compared with the estimate.
	factor=100
	((done_wall > 0 && done_est > 0)) && factor=$((done_wall * 100 / done_est))
	for ((try = 0; ; try++)); do
		log "boot $((i + 1))/$nboots: ${b_kernel[i]}, round ${b_round[i]}, ${b_mode[i]}," \
			"${b_mem[i]} (estimate $(hms $((b_est[i] * factor / 100))))"
		wait_idle
		boot "$i" "$factor"
		[[ $contended == true && $try -lt $retries ]] || break
		# Kept, under a name the report does not read.
		mv "$raw/$name.txt.tmp" "$raw/$name.contended-$((try + 1))"
		log "boot $((i + 1))/$nboots shared the machine with another QEMU or a compiler:" \
			"doing it again (kept as raw/$name.contended-$((try + 1)))"
	done
	mv "$raw/$name.txt.tmp" "$raw/$name.txt"
	[[ $contended == true ]] && contended_boots=$((contended_boots + 1))
	done_est=$((done_est + b_est[i]))
	done_wall=$((done_wall + wall))
	python3 "$REPO/scripts/report" --brief "$raw/$name.txt" >&2 || true
	if ((rc != 0)); then
		failed_boots=$((failed_boots + 1))
		log "boot $((i + 1))/$nboots ($name) FAILED: exit $rc${note:+: $note} (log: $logs/$name.log)"
	fi
	log "boot $((i + 1))/$nboots done in $(hms "$wall"); $(hms $((SECONDS - t_bench))) elapsed," \
		"ETA $(hms $(((total_est - done_est) * done_wall / (done_est > 0 ? done_est : 1))))"
done
((contended_boots == 0)) ||
	log "warning: $contended_boots boot(s) shared the machine with another QEMU or compiler" \
		"(flagged in the report)"

# ---- latency tracers ------------------------------------------------------------

if ((latency)); then
	if [[ ${RESUME:-0} == 1 && -f $raw/latency/patched.txt && -f $raw/latency/vanilla.txt ]]; then
		log "latency: done before, kept"
	else
		log "latency: the trace kernels, ICOUNT=1 (estimate $(hms "$lat_est"))"
		t0=$SECONDS
		wait_idle
		rm -rf "$raw/latency"
		if ! LATENCY_OUT=$raw/latency ICOUNT=1 ACCEL=tcg "$REPO/scripts/latency.sh" \
			>"$logs/latency.log" 2>&1; then
			failed_boots=$((failed_boots + 1))
			log "latency FAILED (log: $logs/latency.log)"
		fi
		log "latency done in $(hms $((SECONDS - t0)))"
	fi
fi

echo "wall=$(hms $((SECONDS - t_start)))$resumed" >>"$raw/setup.txt"

# ---- report ----------------------------------------------------------------------

rc=0 flags=(--fail-on-errors) also=', summary: results/latest/summary.json'
[[ -z ${OUT:-} ]] || flags+=(--no-readme --no-latest) also=''
python3 "$REPO/scripts/report" "$res" "${flags[@]}" || rc=$?
log "compare: $(hms $((SECONDS - t_start))); report: ${res#"$REPO"/}/report.md$also"
if ((rc != 0 || failed_boots != 0)); then
	log "compare: some runs failed (see 'Runs not counted' in the report)"
	exit 1
fi
