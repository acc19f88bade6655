#!/usr/bin/env bash
# Soak: `piiguard run` fed at a fixed rate through the local broker for a long time, sampling the
# service's resident memory, the group's lag and the detection latency every minute, to show they
# stay flat (a benchmark, not a test: BENCHMARKS.md has the last result).
#
#   scripts/soak.sh [MINUTES] [RATE] [OUT_DIR]    defaults: 60 minutes, 200 events/s, soak-out/
#
# Writes OUT_DIR/soak.csv (one row a minute) and OUT_DIR/service.log, and prints a summary:
# resident memory in the first and the last ten minutes, the largest lag sampled, and the
# detection latency's p50 and p99 per minute (from the histogram's bucket deltas, so a bucket
# bound, not an exact quantile).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-60}"
rate="${2:-200}"
out="${3:-soak-out}"
scripts/install-deps.sh
scripts/install-broker.sh
cargo build --release --locked --quiet
mkdir -p "$out"
# A copy: rebuilding the tree during the soak must not change what runs.
bin="$out/piiguard"
cp target/release/piiguard "$bin"
key="$out/soak.key"
[ -f "$key" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$key"

eval "$(scripts/broker.sh start | tr ' ' '\n' | grep -E '^(BROKERS|DIR)=')"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/broker.sh stop "$DIR"
}
trap cleanup EXIT
for t in "soak-events 4" "soak.commands 4" "soak.dlq 1"; do
  set -- $t
  ~/.cargo/bin/tansu topic create --broker "tcp://$BROKERS" --partitions "$2" "$1" >/dev/null
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" run --brokers "$BROKERS" --group soak --group-instance-id soak-0 --topic soak-events \
  --commands-topic soak.commands --dlq-topic soak.dlq \
  --hmac-key-file "$key" --metrics-addr "127.0.0.1:$port" 2> "$out/service.log" &
svc=$!
pids+=("$svc")
count=$((minutes * 60 * rate))
"$bin" generate --count "$count" --seed 7 --rate "$rate" --brokers "$BROKERS" --topic soak-events \
  2> "$out/generate.log" &
pids+=("$!")
echo "soak: $minutes min at $rate events/s ($count events); service pid $svc, metrics on 127.0.0.1:$port; rows in $out/soak.csv" >&2

python3 - "$port" "$svc" "$minutes" "$out/soak.csv" <<'PY'
import sys, time, urllib.request
port, pid, minutes, csv_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def scrape():
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    series = []
    for l in text.splitlines():
        if l.startswith("#") or " " not in l:
            continue
        name, value = l.rsplit(" ", 1)
        series.append((name, float(value)))
    return series

def total(series, prefix):
    return sum(v for n, v in series if n == prefix or n.startswith(prefix + "{"))

def buckets(series):
    b = {}
    for n, v in series:
        if n.startswith("piiguard_detection_latency_seconds_bucket{"):
            le = n.split('le="', 1)[1].split('"', 1)[0]
            b[float("inf") if le == "+Inf" else float(le)] = v
    return b

def quantile(delta, q):
    les = sorted(delta)
    n = delta[les[-1]] if les else 0
    if n <= 0:
        return float("nan")
    for le in les:
        if delta[le] >= q * n:
            return le
    return les[-1]

def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1]) / 1024
    return float("nan")

rows = []
prev = None
start = time.time()
with open(csv_path, "w") as f:
    f.write("minute,events_consumed,commands,rss_mib,group_lag,latency_p50_s,latency_p99_s\n")
    for minute in range(1, minutes + 2):
        time.sleep(max(0, start + 60 * minute - time.time()))
        try:
            s = scrape()
        except OSError as e:
            print(f"soak: the service did not answer at minute {minute}: {e}", file=sys.stderr)
            sys.exit(1)
        b = buckets(s)
        delta = {le: b[le] - (prev[le] if prev else 0) for le in b}
        prev = b
        row = (minute, int(total(s, "piiguard_events_consumed_total")), int(total(s, "piiguard_commands_produced_total")),
               round(rss_mb(), 1), int(total(s, "piiguard_group_lag")), quantile(delta, 0.5), quantile(delta, 0.99))
        rows.append(row)
        f.write(",".join(str(x) for x in row) + "\n")
        f.flush()
        print("soak: minute %d: %d events, %d commands, RSS %.1f MiB, lag %d, latency p50 <= %s s, p99 <= %s s" % row, file=sys.stderr)

first, last = rows[:10], rows[-10:]
avg = lambda rs, i: sum(r[i] for r in rs) / len(rs)
print(f"soak summary: {len(rows)} minutes, {rows[-1][1]} events, {rows[-1][2]} commands")
print(f"  RSS MiB: first 10 min mean {avg(first, 3):.1f} (max {max(r[3] for r in first)}), last 10 min mean {avg(last, 3):.1f} (max {max(r[3] for r in last)})")
print(f"  group lag sampled: max {max(r[4] for r in rows)}, last {rows[-1][4]}")
p99 = [r[6] for r in rows if r[6] == r[6]]
p50 = [r[5] for r in rows if r[5] == r[5]]
print(f"  latency per minute: p50 <= {min(p50)}..{max(p50)} s, p99 <= {min(p99)}..{max(p99)} s (bucket bounds)")
PY
