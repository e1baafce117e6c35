#!/bin/sh
# The kernel's own DMA-API benchmark (kernel/dma/map_benchmark.c,
# CONFIG_DMA_MAP_BENCHMARK, driven by its selftest tool dma_map_benchmark)
# on the second edu device (run-guest.sh --edu2), which it binds to the
# dma_map_benchmark driver through driver_override: THREADS threads map and
# unmap one 4 KiB page through the device's DMA API domain for SECONDS.
# Prints the tool's output and one JSON line
#   {"map_bench": {"threads", "seconds", "granule", "device",
#                  "map_us", "map_sd_us", "unmap_us", "unmap_sd_us"}}
# (the tool's means and standard deviations, in its 0.1 µs resolution).
# Usage: mapbench.sh THREADS SECONDS
# shellcheck shell=dash
# shellcheck disable=SC1091
. /tests/lib.sh

threads=${1:?usage: mapbench.sh THREADS SECONDS} seconds=${2:?usage: mapbench.sh THREADS SECONDS}
first=$(edu_bdf) || first=
bdf=$(edu_bdfs | tail -n 1)
if [ -z "$bdf" ] || [ "$bdf" = "$first" ]; then
	echo "mapbench: no second edu device (boot with run-guest.sh --edu2)" >&2
	exit 2
fi
d=/sys/bus/pci/devices/$bdf
if [ "$(basename "$(readlink "$d/driver" 2>/dev/null)")" != dma_map_benchmark ]; then
	[ -e "$d/driver" ] && echo "$bdf" >"$d/driver/unbind"
	echo dma_map_benchmark >"$d/driver_override"
	if ! echo "$bdf" >/sys/bus/pci/drivers/dma_map_benchmark/bind; then
		echo "mapbench: cannot bind $bdf to dma_map_benchmark (CONFIG_DMA_MAP_BENCHMARK?)" >&2
		exit 2
	fi
fi
out=$(dma_map_benchmark -t "$threads" -s "$seconds" -g 1) || exit 1
echo "$out"
# "average map latency(us):1.2 standard deviation:0.3"
lat() {
	echo "$out" | sed -n "s/^average $1 latency(us):\([0-9.]*\) standard deviation:\([0-9.]*\)$/\\$2/p"
}
mu=$(lat map 1) msd=$(lat map 2) uu=$(lat unmap 1) usd=$(lat unmap 2)
if [ -z "$mu" ] || [ -z "$uu" ]; then
	echo "mapbench: unexpected output of dma_map_benchmark" >&2
	exit 1
fi
printf '{"map_bench":{"threads":%s,"seconds":%s,"granule":1,"device":"%s","map_us":%s,"map_sd_us":%s,"unmap_us":%s,"unmap_sd_us":%s}}\n' \
	"$threads" "$seconds" "$bdf" "$mu" "$msd" "$uu" "$usd"
