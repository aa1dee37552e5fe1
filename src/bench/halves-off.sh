#!/bin/sh
# What the second core buys a comparison: a slice of the grid (topic, 100 labels, seed 1, full and
# scratch, the default base) run as usual and then with Halves switched off (-Dtinyfm.halves.off=true:
# every Java loop and product on the calling thread), PAIRS times in turn. Prints each command's wall
# and CPU time and the runs' training seconds, and checks that both ways give the same accuracies.
# Run it alone. docs/measurements/engine-speed/halves/ was made this way (then with java called directly,
# with the launcher's options; now through the launcher, TINYFM_JAVA_OPTS carrying the extra ones).
# Usage: src/bench/halves-off.sh [PAIRS]
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
pairs=${1:-2}
out=$(mktemp -d)
"$here/tinyfm" --version >/dev/null # builds the jar now if the sources changed, not inside a timed run
slice() { # name, extra java options...
  name=$1; shift
  start=$(date +%s.%N)
  TINYFM_JAVA_OPTS="-Dtinyfm.log=$out/$name.log $*" "$here/tinyfm" compare \
    --base "$here/datasets/pretrained/6x160-broad-xl.tfm" --tasks topic --labels 100 --seeds 1 --methods full,scratch \
    --out "$out/$name" >/dev/null 2>&1
  wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  printf '%-14s wall %6.1f s   training seconds (full, scratch): %s\n' "$name" "$wall" \
    "$(tail -n +2 "$out/$name/results.csv" | cut -d, -f10 | paste -sd' ')"
}
for i in $(seq "$pairs"); do
  slice "two-cores-$i"
  slice "one-core-$i" -Dtinyfm.halves.off=true
done
first=$(cut -d, -f1-9 "$out/two-cores-1/results.csv" | md5sum)
for f in "$out"/*/results.csv; do
  [ "$(cut -d, -f1-9 "$f" | md5sum)" = "$first" ] || { echo "accuracies differ: $f"; exit 1; }
done
echo "accuracies (results.csv columns 1-9): the same in every run"
rm -rf "$out"
