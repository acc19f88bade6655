#!/usr/bin/env bash
# The main job on a local default: start a Kafka-API broker, load generated Twilio-shaped events into
# a topic, run the piiguard service until it has caught up, and show what it found and where the
# commands went.
# Usage: scripts/demo.sh [EVENT_COUNT]   (default 100000). Files go to demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100000}"
scripts/install-deps.sh
scripts/install-broker.sh   # ~20 minutes the first time on a machine, skipped afterwards
cargo build --release --locked --quiet
bin=target/release/piiguard
mkdir -p demo-out
# A demo key (never use a fixed key in production: keep it in a secret store).
key=demo-out/demo.key
[ -f "$key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key"

echo "== starting a local broker (tansu, SQLite engine, temporary directory)"
eval "$(scripts/broker.sh start | tr ' ' '\n' | grep -E '^(BROKERS|DIR)=')"
trap 'scripts/broker.sh stop "$DIR"' EXIT
echo "   brokers: $BROKERS"
for t in "flex-events 4" "piiguard.commands 4" "piiguard.dlq 1"; do
  set -- $t
  ~/.cargo/bin/tansu topic create --broker "tcp://$BROKERS" --partitions "$2" "$1" >/dev/null
done
echo "   topics: flex-events (4 partitions), piiguard.commands (4), piiguard.dlq (1)"

echo "== producing $count generated events (seed 1) to flex-events"
"$bin" generate --count "$count" --seed 1 --brokers "$BROKERS" --topic flex-events

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== running the service until it has caught up (metrics on http://127.0.0.1:$port/metrics)"
# Static membership (--group-instance-id): a restarted instance takes its partitions back at once.
"$bin" run --brokers "$BROKERS" --group piiguard-demo --group-instance-id demo-0 --topic flex-events \
  --commands-topic piiguard.commands --dlq-topic piiguard.dlq \
  --hmac-key-file "$key" --metrics-addr "127.0.0.1:$port" --until-caught-up \
  2> demo-out/service.log &
svc=$!
last=""
while kill -0 "$svc" 2>/dev/null; do
  sleep 1
  m=$(python3 - "$port" <<'PY' 2>/dev/null || true
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=2).read().decode()
def total(name, label=""):
    return int(sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
                   if l.startswith(name) and not l.startswith("#") and label in l))
print(f"{total('piiguard_events_consumed_total')} events scanned, "
      f"{total('piiguard_prohibited_events_total', 'prohibited_combination')} prohibited combinations, "
      f"{total('piiguard_commands_produced_total')} commands acknowledged, "
      f"{total('piiguard_dead_letters_total')} dead letters")
PY
)
  if [ -n "$m" ] && [ "$m" != "$last" ]; then echo "   $m"; last="$m"; fi
done
wait "$svc"
echo "== service log (demo-out/service.log; counts, coordinates and error classes only)"
sed 's/^/   /' demo-out/service.log | grep -E "starting|assigned|caught up|stopped"

echo "== where the commands went: topic piiguard.commands, keyed by resource SID; one of them"
echo "   (no value in it: JSON paths, spans and keyed fingerprints only):"
~/.cargo/bin/tansu cat consume piiguard.commands --broker "tcp://$BROKERS" --partition 0 \
    --max-wait-time-ms 2000 --partition-max-bytes 65536 --max-bytes 65536 2>/dev/null \
  | python3 -c '
import json, sys
recs, _ = json.JSONDecoder().raw_decode(sys.stdin.read())  # the first fetched batch
cmd = next(r["value"] for r in recs if r["value"].get("reason") == "prohibited_combination")
print(json.dumps(cmd, indent=2))'
