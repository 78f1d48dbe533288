#!/usr/bin/env bash
# Adapted from the project's shared bench harness (shared/bench/run.sh, 2026-11-25). Changed: the
# peers are installed in bench/ (its package.json and package-lock.json, `npm ci`), and the DAGs
# go to $DAGS (default dags/ here). bench/run.sh drives it with pco's runners added.
#
# Runs the whole benchmark and prints markdown tables.
#
#   bash run.sh
#
# Knobs (environment): N=10 UNIT=20 (ms per duration unit) REPS=3 SEED=1
#   HUGE_REPS=3 HUGE_CAP=120 (seconds per huge run) RUNNERS_FILE=runners.list OUT=results DAGS=dags
#   SHAPES="chain fan layered random seedplan" (the timed shapes)  SKIP_HUGE=1 (no overhead test)
# Raw records go to $OUT/ (timed.tsv, bounds.jsonl, huge.tsv, stderr.log).
set -uo pipefail
cd "$(dirname "$0")"

N=${N:-10}
UNIT=${UNIT:-20}
REPS=${REPS:-3}
SEED=${SEED:-1}
HUGE_REPS=${HUGE_REPS:-3}
HUGE_CAP=${HUGE_CAP:-120}
RUNNERS_FILE=${RUNNERS_FILE:-runners.list}
OUT=${OUT:-results}
DAGS=${DAGS:-dags}
read -r -a SHAPES <<< "${SHAPES:-chain fan layered random seedplan}"

[ -d ../node_modules/p-graph ] && [ -d ../node_modules/p-limit ] || (cd .. && npm ci --no-audit --no-fund >&2)

# runners.list -> NAMES[i], CMDS[i]
NAMES=(); CMDS=()
while read -r name cmd; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  NAMES+=("$name"); CMDS+=("$cmd")
done < "$RUNNERS_FILE"
R=${#NAMES[@]}

mkdir -p "$OUT" "$DAGS"
: > "$OUT/timed.tsv"; : > "$OUT/bounds.jsonl"; : > "$OUT/huge.tsv"; : > "$OUT/stderr.log"
node gen.mjs all --seed "$SEED" --unit "$UNIT" --dir "$DAGS" || exit 1

echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc: $(nproc); node $(node --version); $(python3 --version 2>&1)"
echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "- N=$N UNIT=${UNIT}ms REPS=$REPS SEED=$SEED HUGE_REPS=$HUGE_REPS HUGE_CAP=${HUGE_CAP}s"
echo

for s in "${SHAPES[@]}"; do
  node bound.mjs --dag "$DAGS/$s.json" --n "$N" >> "$OUT/bounds.jsonl" || exit 1
done

# Timed shapes. Repetition-major, and the runner order rotates every repetition, so slow drifts
# in machine load spread over all runners instead of landing on one.
for ((rep = 1; rep <= REPS; rep++)); do
  for s in "${SHAPES[@]}"; do
    for ((k = 0; k < R; k++)); do
      i=$(( (k + rep - 1) % R ))
      # shellcheck disable=SC2086  # CMDS[i] is a command line: split it on purpose
      line=$(timeout 120 ${CMDS[i]} --dag "$DAGS/$s.json" --n "$N" 2>>"$OUT/stderr.log" | tail -n 1)
      rc=$? # pipefail: the runner's exit status
      printf '%s\t%s\t%s\t%s\t%s\n' "${NAMES[i]}" "$s" "$rep" "$rc" "$line" >> "$OUT/timed.tsv"
      echo "rep $rep ${NAMES[i]} $s rc=$rc $line" >&2
    done
  done
done

echo "## Timed shapes"
echo
node summarize.mjs timed "$OUT"
echo

[ "${SKIP_HUGE:-0}" = 1 ] && exit 0

# Overhead test: `huge` (100,000 tasks, 0 ms each), N workers, each run capped at HUGE_CAP s.
# baseline-node / baseline-python do everything a runner does except schedule (start, parse the
# JSON, compute the LB), so a runner's figures minus its baseline are the scheduler's own cost.
HUGE_NAMES=(baseline-node baseline-python "${NAMES[@]}")
HUGE_CMDS=("node baseline.mjs" "python3 baseline.py" "${CMDS[@]}")
TF=$(mktemp)
for ((rep = 1; rep <= HUGE_REPS; rep++)); do
  for ((i = 0; i < ${#HUGE_NAMES[@]}; i++)); do
    name=${HUGE_NAMES[i]}
    # after a timeout, don't spend the cap again on the same runner
    if awk -F'\t' -v n="$name" '$1 == n && ($3 == 124 || $3 == 137) { f = 1 } END { exit !f }' "$OUT/huge.tsv"; then continue; fi
    if [ -x /usr/bin/time ]; then
      # shellcheck disable=SC2086
      line=$(/usr/bin/time -f '%e %M' -o "$TF" timeout "$HUGE_CAP" ${HUGE_CMDS[i]} --dag "$DAGS/huge.json" --n "$N" 2>>"$OUT/stderr.log" | tail -n 1)
      rc=$? # pipefail: the runner's exit status
      read -r wall rss < <(tail -n 1 "$TF")
    else # no GNU time: wall clock from date, peak RSS only from the runner's own report
      t0=$(date +%s.%N)
      # shellcheck disable=SC2086
      line=$(timeout "$HUGE_CAP" ${HUGE_CMDS[i]} --dag "$DAGS/huge.json" --n "$N" 2>>"$OUT/stderr.log" | tail -n 1)
      rc=$? # pipefail: the runner's exit status
      wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'); rss=NaN
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rep" "$rc" "$wall" "$rss" "$line" >> "$OUT/huge.tsv"
    echo "huge rep $rep $name rc=$rc wall=${wall}s maxrss=${rss}KB $line" >&2
  done
done
rm -f "$TF"

echo "## Overhead: huge (100,000 tasks, 0 ms), N=$N, cap ${HUGE_CAP}s, median of $HUGE_REPS"
echo
node summarize.mjs huge "$OUT"
