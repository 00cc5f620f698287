#!/usr/bin/env bash
# Keeps the committed corpora small: for each target, the inputs of corpus/<target>/ (after a
# `run-all.sh` with MERGE=1, a coverage-minimised set) are kept smallest first until
# BUDGET bytes (default 200000) are reached; the rest are deleted. Files already tracked by
# git (the hand-picked seeds) are always kept. libFuzzer's merge adds inputs in ascending size
# order, so the smallest inputs of the merged set carry most of its new coverage.
#
#   fuzz/trim-corpus.sh [BUDGET_BYTES] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
BUDGET="${1:-200000}"
shift || true
TARGETS="${*:-$(ls corpus)}"
for t in $TARGETS; do
  used=0 kept=0 dropped=0
  tracked=$(git ls-files "corpus/$t" | xargs -r -n1 basename | sort)
  while read -r size f; do
    if grep -qxF "$f" <<<"$tracked" || [ $((used + size)) -le "$BUDGET" ]; then
      used=$((used + size)); kept=$((kept + 1))
    else
      rm -f "corpus/$t/$f"; dropped=$((dropped + 1))
    fi
  done < <(find "corpus/$t" -maxdepth 1 -type f -printf '%s %f\n' | sort -n)
  echo "$t: kept $kept files ($used bytes), dropped $dropped"
done
