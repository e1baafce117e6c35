# plot.gp: the two plots of `make compare`, drawn by scripts/report:
#   gnuplot -e "datadir='D'; outdir='O'; series='vanilla-vfio ...'; xt='(\"64G\" 0.0625, ...)';
#               xmin=..; xmax=..; ymaxpt=..; ymaxt=..; ver='..'; floornote=0|1" scripts/plot.gp
# D/<series>.pt and D/<series>.time hold "TiB median min max" lines (page tables
# in KiB; microseconds per map+unmap pair).  pngcairo may be missing from
# gnuplot-nox: plain png (libgd) it is.
set terminal png size 1040,600 noenhanced
n = words(series)
# vanilla red/orange, patched blue/green; vfio solid dots, iommufd open circles
# (the libgd png terminal draws no dash types).
kcol(s) = strstrt(s, "vanilla") > 0 ? (strstrt(s, "iommufd") > 0 ? "#e67e22" : "#c0392b") : \
	(strstrt(s, "iommufd") > 0 ? "#17a589" : "#1f5fa8")
kpt(s) = strstrt(s, "iommufd") > 0 ? 6 : 7
set grid
set key outside right top vertical box
set logscale x 2
eval "set xtics ".xt
set xrange [xmin:xmax]
set xlabel "IOVA swept (one 4 KiB map+unmap every 2 MiB)"

set output outdir."/pt-memory.png"
set title "IOMMU page tables left while the container is open (median, range) - ".ver
set logscale y 10
set yrange [1:ymaxpt]
set ytics ("1 KiB" 1, "10 KiB" 10, "100 KiB" 100, "1 MiB" 1024, "10 MiB" 10240, \
	"100 MiB" 102400, "1 GiB" 1048576, "10 GiB" 10485760, "100 GiB" 104857600)
set ylabel "page-table memory left (log scale)"
if (floornote) {
	set label 1 "values below 1 KiB are drawn at 1 KiB" at graph 0.98, graph 0.04 right
}
plot for [i=1:n] datadir."/".word(series,i).".pt" using 1:2:3:4 with yerrorlines \
	lc rgb kcol(word(series,i)) pt kpt(word(series,i)) lw 2 \
	title word(series,i)
unset label 1

set output outdir."/time-per-pair.png"
set title "Time per map+unmap pair (median, range) - ".ver
unset logscale y
set ytics auto
set yrange [0:ymaxt]
set ylabel "microseconds per pair"
plot for [i=1:n] datadir."/".word(series,i).".time" using 1:2:3:4 with yerrorlines \
	lc rgb kcol(word(series,i)) pt kpt(word(series,i)) lw 2 \
	title word(series,i)
