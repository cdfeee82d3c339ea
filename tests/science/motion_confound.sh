#!/bin/sh
# Head motion that covaries with joy: how much the uncorrected decoder follows the head, and what
# realignment, motion regression and censoring recover. Two sessions with the same seed (same brain,
# same story, same targets): one still, one with high motion that covaries with joy.
# Usage: tests/science/motion_confound.sh OUT_FOLDER [realtime-decode command]
# ONLY="realigned regressed" limits the run to those conditions (they can run in parallel, one call each).
# Then: /usr/bin/python3 tests/science/motion_confound.py OUT_FOLDER
set -eu
OUT=${1:?output folder}
R=${2:-"dotnet run --project src/RealtimeDecode.Host -c Release --"}
mkdir -p "$OUT"
[ -d "$OUT/still" ] || $R synth --out "$OUT/still" --seed 1
[ -d "$OUT/moving" ] || $R synth --out "$OUT/moving" --seed 1 --motion high --motion-covaries joy
# Nested blocked CV picks alpha; with censoring too few windows of run 1 remain for 5 folds, so those
# models take alpha 100, which the search picked in every other condition.
SEARCH="--estimator ridge --search alpha=100,1000,10000 --cv blocked:5"
FIXED="--estimator ridge --alpha 100 --cv none"

# name session fit train-options
run() {
  name=$1; s=$OUT/$2; FIT=$3; shift 3
  case " ${ONLY:-$name} " in *" $name "*) ;; *) return 0 ;; esac
  A="--atlas $s/atlas/atlas-Synth100Parcels7Networks_dseg.nii.gz --labels $s/atlas/atlas-Synth100Parcels7Networks_dseg.tsv"
  F=$s/sub-01/func/sub-01_task-alice
  [ -f "$OUT/$name/model/model.json" ] || $R train --bold ${F}_run-1_bold.nii.gz $A --targets ${F}_run-1_desc-truth_targets.tsv $FIT "$@" --out "$OUT/$name/model"
  [ -f "$OUT/$name/evaluate.txt" ] || $R evaluate --model "$OUT/$name/model" --bold ${F}_run-2_bold.nii.gz $A --targets ${F}_run-2_desc-truth_targets.tsv --report "$OUT/$name/report" > "$OUT/$name/evaluate.txt"
  [ -f "$OUT/$name/predictions.tsv" ] || $R predict --model "$OUT/$name/model" --bold ${F}_run-2_bold.nii.gz $A --out "$OUT/$name/predictions.tsv"
}

run still still "$SEARCH"
run still-realigned still "$SEARCH" --realign
run still-corrected still "$SEARCH" --realign --motion-regressors 24
run uncorrected moving "$SEARCH"
run realigned moving "$SEARCH" --realign
run regressed6 moving "$SEARCH" --realign --motion-regressors 6
run regressed moving "$SEARCH" --realign --motion-regressors 24
run censored moving "$FIXED" --realign --motion-regressors 24 --censor withhold
run censored-fd1 moving "$FIXED" --realign --motion-regressors 24 --censor withhold --fd-threshold 1
run censored-fd1.5 moving "$FIXED" --realign --motion-regressors 24 --censor withhold --fd-threshold 1.5
run censored6-fd1 moving "$FIXED" --realign --motion-regressors 6 --censor withhold --fd-threshold 1
