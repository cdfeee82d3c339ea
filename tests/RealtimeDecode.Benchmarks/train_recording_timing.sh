#!/usr/bin/env bash
# Times `train --recording` with the default model's search on a 372-volume run at the bundled scale (100 ROIs)
# and at the published scale (400 ROIs, 64×64×36): each run is first replayed at max speed to make its recording.
# Usage: bash tests/RealtimeDecode.Benchmarks/train_recording_timing.sh [work folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
W=${1:-$(mktemp -d)}
dotnet build src/RealtimeDecode.Host -c Release -v quiet -nologo >/dev/null
R=src/RealtimeDecode.Host/bin/Release/net10.0/realtime-decode
SEARCH=(--estimator ridge --search "alpha=100,300,1000,3000,10000" --cv blocked:5)
timed() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak" "$@" >/dev/null; }

# bundled scale: run 1 of replay-data (the first replay regenerates the runs)
S=replay-data/session
$R replay --speed max --no-dashboard --no-lsl --record "$W/bundled-run-2" >/dev/null
$R replay --run $S/sub-01/func/sub-01_task-alice_run-1_bold.nii.gz --speed max --no-dashboard --no-lsl --record "$W/bundled-run-1" >/dev/null
echo "bundled scale (100 ROIs, 4,950 edges, 360 samples):"
timed $R train --recording "$W/bundled-run-1" --targets $S/sub-01/func/sub-01_task-alice_run-1_desc-truth_targets.tsv "${SEARCH[@]}" --out "$W/bundled-model"

# published scale: a 400-parcel synthetic run on a 64×64×36 grid, replayed with a model of that atlas
P="$W/s400"
$R synth --out "$P" --parcels 400 --runs 1 --grid 64x64x36 >/dev/null
A=(--atlas "$P/atlas/atlas-Synth400Parcels7Networks_dseg.nii.gz" --labels "$P/atlas/atlas-Synth400Parcels7Networks_dseg.tsv")
B="$P/sub-01/func/sub-01_task-alice_run-1_bold.nii.gz"
T="$P/sub-01/func/sub-01_task-alice_run-1_desc-truth_targets.tsv"
$R train --bold "$B" "${A[@]}" --targets "$T" --alpha 1000 --cv none --out "$W/m400" >/dev/null
$R replay --run "$B" "${A[@]}" --model "$W/m400" --speed max --no-dashboard --no-lsl --record "$W/published-run-1" >/dev/null
echo "published scale (400 ROIs, 79,800 edges, 360 samples):"
timed $R train --recording "$W/published-run-1" --targets "$T" "${SEARCH[@]}" --out "$W/published-model"
