#!/usr/bin/env bash
# The measured table of docs/calibration.md: for simulated plants whose chemistry differs from the
# recipe, the film's error against the target (judged by the simulator: the plant's truth) before
# calibration, after one and after two, each calibration fitting every run so far on its noisy
# measured profile (noise 0.01, 30 nm depth resolution; the n-th run's profile uses seed n).
#   tools/calibration_table.sh [EDC] [SPEED]
# EDC default build/release/app/cli/edc. SPEED "twin" (default): each run is `edc simulate --db`,
# the digital twin in virtual time, journaled: the same figures on any machine. A number: each run
# is `edc run --sim --speed SPEED` in real time, whose timing depends on the machine's load.
# ROWS picks rows by name (default all).
set -uo pipefail
edc=${1:-build/release/app/cli/edc}
speed=${2:-twin}
paper=${RECIPE:-recipes/examples/g-bi033sb067.toml}
overflow=recipes/examples/overflow-three-step.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The error of a run (at.% Bi RMS, the plant's truth), or why there is none.
rms() {
    local out
    out=$(cat)
    if grep -q 'deposited vs target' <<<"$out"; then
        sed -n 's/.*deposited vs target \([0-9.]*\) at.% Bi RMS.*/\1/p' <<<"$out"
    elif grep -q '^error  ' <<<"$out"; then
        sed -n 's/^error *\([0-9.]*\) at.% Bi RMS.*/\1/p' <<<"$out"
    elif grep -q 'bottom_unreachable' <<<"$out"; then
        echo "bottom"
    elif grep -q 'pump_rate_exceeded' <<<"$out"; then
        echo "pump rate"
    else
        echo "failed"
    fi
}

# One journaled run: recipe, plant, db, measure file (or empty), seed, chemistry (or empty).
one_run() {
    local recipe=$1 plant=$2 db=$3 measure=$4 seed=$5 chem=$6 args=()
    [[ -n $measure ]] && args+=(--measure "$measure" --seed "$seed")
    [[ -n $chem ]] && args+=(--chemistry "$chem")
    if [[ $speed == twin ]]; then
        "$edc" simulate "$recipe" --plant "$plant" --db "$db" "${args[@]}" 2>&1
    else
        "$edc" run "$recipe" --sim --speed "$speed" --plant "$plant" --db "$db" "${args[@]}" 2>&1
    fi
}

k_of() {
    sed -n 's/.*"selectivity_k_constant_model": \([0-9.]*\).*/\1/p'
}

row() { # name, plant body, recipe
    local name=$1 body=$2 recipe=${3:-$paper} db="$work/$1.sqlite" p="$work/$1.toml" e0 e1 e2 k1 k2
    printf '[plant]\n%b\n' "$body" >"$p"
    e0=$(one_run "$recipe" "$p" "$db" "$work/$name-1.csv" 1 "" | rms)
    k1=$("$edc" calibrate --run 1 --profile "$work/$name-1.csv" --db "$db" -o "$work/$name-c1.toml" --json | k_of)
    e1=$(one_run "$recipe" "$p" "$db" "$work/$name-2.csv" 2 "$work/$name-c1.toml" | rms)
    if ! [[ $e1 =~ ^[0-9] ]]; then # no second run to calibrate on
        printf '| %-24s | %10s | %10s | %10s | %7s | %7s |\n' "$name" "$e0" "$e1" "-" "${k1:0:6}" "-"
        return
    fi
    k2=$("$edc" calibrate --run 1 --profile "$work/$name-1.csv" --run 2 --profile "$work/$name-2.csv" --db "$db" \
        -o "$work/$name-c2.toml" --json | k_of)
    e2=$(one_run "$recipe" "$p" "$db" "" 3 "$work/$name-c2.toml" | rms)
    printf '| %-24s | %10s | %10s | %10s | %7s | %7s |\n' "$name" "$e0" "$e1" "$e2" "${k1:0:6}" "${k2:0:6}"
}

echo "| plant                    |     before |     1 cal. |     2 cal. | k fit 1 | k fit 2 |"
echo "|--------------------------|------------|------------|------------|---------|---------|"
# "bottom": the next plan was refused, bottom_unreachable (the fitted chemistry's bath A cannot
# deposit the recipe's bottom within the planner's 0.5 at.% tolerance: a plant with k < 1 cannot
# make the paper's 0.50 bottom at all); "pump rate": pump_rate_exceeded (the plant needs more
# dilution at the top than the pump's 100 mL/min gives).
rows=${ROWS:-"k-30 k-20 k-10 k+10 k+20 k+30 eta-10 eta+10 a-3 a+3 issue ktable"}
for r in $rows; do
    case $r in
    k-30) row "k=0.70" "selectivity_k = 0.70" ;;
    k-20) row "k=0.80" "selectivity_k = 0.80" ;;
    k-10) row "k=0.90" "selectivity_k = 0.90" ;;
    k+10) row "k=1.10" "selectivity_k = 1.10" ;;
    k+20) row "k=1.20" "selectivity_k = 1.20" ;;
    k+30) row "k=1.30" "selectivity_k = 1.30" ;;
    eta-10) row "efficiency=0.65" "current_efficiency = 0.65" ;;
    eta+10) row "efficiency=0.80" "current_efficiency = 0.80" ;;
    a-3) row "A_Bi=48.5mM" 'a = { Bi = "48.5 mM", Sb = "50 mM" }' ;;
    a+3) row "A_Bi=51.5mM" 'a = { Bi = "51.5 mM", Sb = "50 mM" }' ;;
    issue) row "k=1.25,eta=0.68,A_Bi=49" 'selectivity_k = 1.25\ncurrent_efficiency = 0.68\na = { Bi = "49 mM", Sb = "50 mM" }' ;;
    # Issue 12's second case, on the overflow recipe (its own k is 1): k drifts with c_Bi/c_Sb.
    ktable) row "k(R) table,eta=0.70 (b)" 'selectivity_table = [[0.1, 0.8], [0.5, 1.0], [1.3, 1.25]]\ncurrent_efficiency = 0.70' "$overflow" ;;
    esac
done
