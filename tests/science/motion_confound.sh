#!/bin/sh
# Head motion that covaries with joy: how much the uncorrected decoder follows the head, and what
# realignment, motion regression and censoring recover. Two sessions with the same seed (same brain,
# same story, same targets): one still, one with high motion that covaries with joy.
# Usage: tests/science/motion_confound.sh OUT_FOLDER [realtime-decode command]
# Then: /usr/bin/python3 tests/science/motion_confound.py OUT_FOLDER
set -eu
OUT=${1:?output folder}
R=${2:-"dotnet run --project src/RealtimeDecode.Host -c Release --"}
mkdir -p "$OUT"
[ -d "$OUT/still" ] || $R synth --out "$OUT/still" --seed 1
[ -d "$OUT/moving" ] || $R synth --out "$OUT/moving" --seed 1 --motion high --motion-covaries joy
FIT="--estimator ridge --search alpha=100,1000,10000 --cv blocked:5"

# name session train-options
run() {
  name=$1; s=$OUT/$2; shift 2
  A="--atlas $s/atlas/atlas-Synth100Parcels7Networks_dseg.nii.gz --labels $s/atlas/atlas-Synth100Parcels7Networks_dseg.tsv"
  F=$s/sub-01/func/sub-01_task-alice
  [ -f "$OUT/$name/model/model.json" ] || $R train --bold ${F}_run-1_bold.nii.gz $A --targets ${F}_run-1_desc-truth_targets.tsv $FIT "$@" --out "$OUT/$name/model"
  $R evaluate --model "$OUT/$name/model" --bold ${F}_run-2_bold.nii.gz $A --targets ${F}_run-2_desc-truth_targets.tsv --report "$OUT/$name/report" > "$OUT/$name/evaluate.txt"
  $R predict --model "$OUT/$name/model" --bold ${F}_run-2_bold.nii.gz $A --out "$OUT/$name/predictions.tsv"
}

run still still
run uncorrected moving
run realigned moving --realign
run regressed moving --realign --motion-regressors 24
run censored moving --realign --motion-regressors 24 --censor withhold
run censored-fd1 moving --realign --motion-regressors 24 --censor withhold --fd-threshold 1
