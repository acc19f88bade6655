#!/usr/bin/env bash
# The local Kafka-API broker for the demo and the tests (tansu 0.6.0, see docs/local-broker.md).
#
#   scripts/broker.sh start [DIR]   start a broker on a free loopback port with the durable SQLite
#                                   engine in DIR (default: a new temporary directory); prints
#                                   "BROKERS=127.0.0.1:PORT DIR=..." once it accepts connections
#   scripts/broker.sh stop DIR      stop it and remove DIR
#   BROKER_PORT=N scripts/broker.sh start   use port N instead of a free one (a test that starts
#                                           the service before the broker needs the port first)
#   BROKER_ADVERTISED_PORT=N                advertise port N instead of the listening one (the
#                                           network-fault tests put a proxy there); BROKERS= then
#                                           names it, LISTEN= the port the broker listens on
#
# The memory engine loses records (docs/local-broker.md), so it is never used. The broker listens on IPv4 only:
# it is advertised as 127.0.0.1, never localhost.
set -euo pipefail
cmd="${1:-}"
tansu="${TANSU_BIN:-$HOME/.cargo/bin/tansu}"
case "$cmd" in
  start)
    [ -x "$tansu" ] || "$(dirname "$0")/install-broker.sh"
    dir="${2:-$(mktemp -d -t piiguard-broker.XXXXXX)}"
    mkdir -p "$dir"
    port="${BROKER_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
    advertised="${BROKER_ADVERTISED_PORT:-$port}"
    (cd "$dir" && exec "$tansu" broker --silent \
        --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://127.0.0.1:$advertised" \
        --storage-engine "sqlite://tansu.db" >"$dir/broker.log" 2>&1) &
    echo $! >"$dir/broker.pid"
    echo "$port" >"$dir/broker.port"
    for _ in $(seq 1 100); do
      if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; then
        echo "BROKERS=127.0.0.1:$advertised DIR=$dir LISTEN=$port"
        exit 0
      fi
      sleep 0.1
    done
    echo "broker.sh: the broker did not accept connections on 127.0.0.1:$port within 10 s (log: $dir/broker.log)" >&2
    exit 1
    ;;
  stop)
    dir="${2:?usage: broker.sh stop DIR}"
    if [ -f "$dir/broker.pid" ]; then
      kill "$(cat "$dir/broker.pid")" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/broker.sh start [DIR] | stop DIR" >&2
    exit 2
    ;;
esac
