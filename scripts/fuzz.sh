#!/usr/bin/env bash
# A long fuzz run on demand: the property tests of tests/fuzz.rs and tests/fuzz_json.rs (arbitrary
# bytes, spans on character boundaries, transcripts, structure-aware JSON: nesting, escapes,
# embedded JSON, huge strings, invalid UTF-8) with many more cases than the test command runs, in
# rounds with fresh random seeds until the time is up.
#
#   scripts/fuzz.sh [MINUTES] [CASES_PER_ROUND]     defaults: 60 minutes, 20000 cases a property
#
# A failing case stops the run. proptest shrinks it and writes its seed to tests/fuzz.regressions
# or tests/fuzz_json.regressions: commit that file, so every later run of the test command replays
# the case first, and add a plain unit test for the bug you fix. These are proptest's random
# properties; coverage-guided fuzzing (libFuzzer, stable Rust) is scripts/fuzz-cov.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-60}"
cases="${2:-20000}"
end=$(( $(date +%s) + minutes * 60 ))
cargo test --release --locked --test integration --no-run --quiet
round=0
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  echo "fuzz: round $round, $cases cases a property" >&2
  PIIGUARD_FUZZ_CASES="$cases" cargo test --release --locked --test integration --quiet -- fuzz \
    || { echo "fuzz: a property failed in round $round; the shrunk case is in tests/*.regressions" >&2; exit 1; }
done
echo "fuzz: $round rounds in $minutes minutes, no failure" >&2
