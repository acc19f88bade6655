#!/usr/bin/env bash
# The category pass's cost in instructions (Valgrind cachegrind: the same count at every run, unlike
# timings on a shared machine). For each corpus: instructions of one pass over it with the category
# pass on and off (a run of 2 passes minus a run of 0, halved, so set-up is not counted), and the
# ratio off/on: the throughput ratio the category clause's bar (>= 0.8) is about, if time follows
# instructions. Installs valgrind (Debian package) when missing. About 1.5 minutes.
# Corpora: clean hardneg dense events (the default), or inputs:FILE for a file the scanner bench
# wrote with PIIGUARD_BENCH_INPUTS (the event path with command JSON, on the same bytes as another build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if ! dpkg -s valgrind >/dev/null 2>&1; then
  echo "category-cost: apt-get install valgrind" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi
cargo build --release --locked --example category_cost
bin=target/release/examples/category_cost
ir() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" "$@" 2>&1 \
    | sed -n 's/.*I *refs: *//p' | tr -d ,
}
corpora=("$@")
[ ${#corpora[@]} -gt 0 ] || corpora=(clean hardneg dense events)
for c in "${corpora[@]}"; do
  on=$(( ($(ir "$c" on 2) - $(ir "$c" on 0)) / 2 ))
  off=$(( ($(ir "$c" off 2) - $(ir "$c" off 0)) / 2 ))
  python3 -c "print(f'$c: on {$on/1e6:.1f} M instructions, off {$off/1e6:.1f} M, off/on {$off/$on:.3f}')"
done
