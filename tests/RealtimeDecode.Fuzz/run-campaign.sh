#!/usr/bin/env bash
# Runs a coverage-guided campaign of one fuzz target with AFL++ and SharpFuzz, then prints its figures.
#   tests/RealtimeDecode.Fuzz/run-campaign.sh TARGET MINUTES
# Needs afl-fuzz (Debian: apt-get install afl++). Builds a Release copy of the fuzz project into
# $FUZZ_BIN (default artifacts/fuzz/bin), instruments the project's own assemblies there with the
# sharpfuzz tool of .config/dotnet-tools.json, and fuzzes from corpus/TARGET at the lowest CPU priority.
# FUZZ_NO_BUILD=1 reuses an instrumented $FUZZ_BIN (campaigns in parallel share one). Findings stay in
# artifacts/fuzz/TARGET/out; every crash and hang is replayed at the end, uninstrumented, with its stack
# trace (a hang that replays quickly was a timeout of the loaded machine).
# New crashers worth keeping go to crashers/TARGET/ (the replay test runs them).
set -euo pipefail
target=${1:?usage: run-campaign.sh TARGET MINUTES}
minutes=${2:?usage: run-campaign.sh TARGET MINUTES}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/artifacts/fuzz/$target"
bin=${FUZZ_BIN:-$root/artifacts/fuzz/bin}
[ -d "$here/corpus/$target" ] || { echo "no corpus for target '$target' in $here/corpus" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found (Debian: apt-get install afl++)" >&2; exit 2; }

mkdir -p "$work"
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
  rm -rf "$bin"
  (cd "$root" && dotnet tool restore >/dev/null)
  nice -n 19 dotnet publish "$here/RealtimeDecode.Fuzz.csproj" -c Release -o "$bin" -p:UseAppHost=false >"$work/publish.log" \
    || { tail -20 "$work/publish.log"; exit 1; }
  # The parsers live in the project's assemblies. The harness's entry point must stay uninstrumented (it
  # runs in the fork server, which has no coverage map), but its target classes may be: the hub target's
  # parser is SignalR's JSON protocol in the shared framework, so its coverage is that of its harness.
  # An uninstrumented copy replays the findings (instrumented code needs afl-fuzz's coverage map).
  rm -rf "$bin.plain" && cp -r "$bin" "$bin.plain"
  instrument() { (cd "$root" && dotnet sharpfuzz "$@" >/dev/null) || { echo "instrumenting $1 failed" >&2; exit 1; }; }
  for dll in RealtimeDecode.Imaging RealtimeDecode.Engine RealtimeDecode.Lsl RealtimeDecode.Training realtime-decode; do
    instrument "$bin/$dll.dll"
  done
  instrument "$bin/realtime-decode-fuzz.dll" RealtimeDecode.Fuzz.Targets
fi
[ -f "$bin/realtime-decode-fuzz.dll" ] || { echo "no build in $bin" >&2; exit 2; }

timeout_ms=5000
[ "$target" = lsl-feed ] && timeout_ms=30000
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=120000 AFL_QUIET=1 AFL_MAP_SIZE=65536
rm -rf "$work/out"
echo "fuzzing $target for $minutes min (log: $work/afl.log)"
nice -n 19 afl-fuzz -i "$here/corpus/$target" -o "$work/out" -t "$timeout_ms" -m none -V $((minutes * 60)) \
  -- dotnet "$bin/realtime-decode-fuzz.dll" "$target" >"$work/afl.log" 2>&1 || { tail -30 "$work/afl.log"; exit 1; }

stats="$work/out/default/fuzzer_stats"
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "target $target: $(get run_time) s, $(get execs_done) executions ($(get execs_per_sec)/s), corpus $(get corpus_count) paths" \
  "(from $(ls "$here/corpus/$target" | wc -l) seeds), bitmap coverage $(get bitmap_cvg), edges $(get edges_found)," \
  "stability $(get stability), crashes $(get saved_crashes), hangs $(get saved_hangs)"
for f in "$work"/out/default/crashes/id:* "$work"/out/default/hangs/id:*; do
  [ -e "$f" ] || continue
  echo "--- $f"
  timeout 60 dotnet "$bin.plain/realtime-decode-fuzz.dll" "$target" "$f" 2>&1 | head -15 || echo "(timed out or crashed: exit $?)"
done
