#!/usr/bin/env bash
# `piiguard scan` on generated events, checked against the generator's labels (precision, recall).
# Usage: scripts/demo-scan.sh [EVENT_COUNT]   (default 100000). Output goes to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100000}"
scripts/install-deps.sh
cargo build --release --locked --quiet
bin=target/release/piiguard
mkdir -p demo-out
# A demo key (never use a fixed key in production: keep it in a secret store).
key=demo-out/demo.key
[ -f "$key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key"

echo "== generating $count events (seed 1) -> demo-out/events.jsonl"
"$bin" generate --count "$count" --seed 1 --output demo-out/events.jsonl
echo "== scanning -> demo-out/commands.jsonl"
"$bin" scan --hmac-key-file "$key" --exit-zero --summary-json demo-out/summary.json \
  -o demo-out/commands.jsonl demo-out/events.jsonl
echo "== one command (no value in it: paths, spans and keyed fingerprints only)"
grep -m1 '"prohibited_combination"' demo-out/commands.jsonl | python3 -m json.tool
echo "== against the generator's labels"
python3 - <<'PY'
import json
want = {}
for l in open("demo-out/events.jsonl.labels.jsonl"):
    x = json.loads(l); want[x["line"]] = x["expect"]
got = {}
for l in open("demo-out/commands.jsonl"):
    c = json.loads(l); n = c["source"]["line"]
    if got.get(n) != "prohibited_combination": got[n] = c["reason"]
pc = "prohibited_combination"
tp = sum(1 for n, w in want.items() if w == pc and got.get(n) == pc)
fp = sum(1 for n, w in want.items() if w != pc and got.get(n) == pc)
fn = sum(1 for n, w in want.items() if w == pc and got.get(n) != pc)
print(f"prohibited_combination: {tp} found, {fp} false positives, {fn} missed; "
      f"precision {tp/max(tp+fp,1):.4f} recall {tp/max(tp+fn,1):.4f}")
PY
