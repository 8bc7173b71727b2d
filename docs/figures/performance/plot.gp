# Throughput and memory per request in flight against requests in flight, before and after the
# performance work (docs/performance.md). Data: scripts/bench-scenarios --out before.tsv / after.tsv.
# Run from this folder: gnuplot plot.gp  (writes throughput.svg)
set terminal svg size 900,380 dynamic font "sans,11"
set output "throughput.svg"
set datafile separator "\t"
set key top right
set multiplot layout 1,2
set logscale x
set grid
set xlabel "requests in flight (most at once)"
set ylabel "requests per second (millions)"
set title "Whole RPC pipeline, one core"
set yrange [0:3.5]
plot "before.tsv" every ::1 using 3:($5/1e6) with linespoints lw 2 pt 7 title "before", \
     "after.tsv"  every ::1 using 3:($5/1e6) with linespoints lw 2 pt 7 title "after", \
     1 with lines dt 2 lc rgb "gray" title "target at 100k", \
     3 with lines dt 3 lc rgb "gray" title "target at <= 1k"
set ylabel "bytes per request in flight (peak RSS slope)"
set title "Memory per request in flight"
set key bottom right
set yrange [0:*]
plot "before.tsv" every ::1 using 3:(strcol(8) eq "-" ? 1/0 : $8) with linespoints lw 2 pt 7 title "before", \
     "after.tsv"  every ::1 using 3:(strcol(8) eq "-" ? 1/0 : $8) with linespoints lw 2 pt 7 title "after", \
     128 with lines dt 2 lc rgb "gray" title "target"
unset multiplot
