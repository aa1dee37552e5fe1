#!/bin/sh
# Where a comparison's time goes: a slice of the grid (2 seeds of topic at 100 labels, every trained
# method) under Java Flight Recorder, then the main thread's time by part (docs/performance.md,
# "Where a comparison's time goes"). Run it alone.
# Usage: src/bench/profile-compare.sh [FILE.jfr [LABEL]]
# docs/measurements/engine-speed/profile-{before,after}.txt were made this way at commits 6d397e8 and 283f1f2.
set -e
here=$(cd "$(dirname "$0")/../.." && pwd)
jfr=${1:-$here/target/compare.jfr}
out=$(mktemp -d)
"$here/tinyfm" --version >/dev/null # builds the jar now if the sources changed, not inside the recording
TINYFM_JAVA_OPTS="-Dtinyfm.log=$out/tinyfm.log -XX:StartFlightRecording=filename=$jfr,settings=profile" \
  "$here/tinyfm" compare --base "$here/datasets/pretrained/small-broad-xl.tfm" \
  --tasks topic --labels 100 --seeds 2 --methods full,probe,scratch,bow --out "$out/results" >"$out/compare-output.txt" 2>&1
python3 "$here/src/bench/python/jfr_shares.py" "$jfr" ${2:+"$2"}
rm -rf "$out"
