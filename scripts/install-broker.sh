#!/usr/bin/env bash
# Builds the local Kafka-API broker (tansu 0.6.0) once per machine. See docs/local-broker.md:
# the default build has no storage engine we can use; `libsql` gives the durable SQLite engine the tests
# need. The build takes ~20 minutes on 2 cores, so it is skipped whenever the binary is already there.
set -euo pipefail
TANSU_VERSION=0.6.0
bin="${TANSU_BIN:-$HOME/.cargo/bin/tansu}"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "$TANSU_VERSION"; then
  exit 0
fi
if [ -x "$bin" ]; then
  # Some builds print no version; trust a binary that at least answers --help.
  "$bin" --help >/dev/null 2>&1 && exit 0
fi
echo "install-broker: building tansu $TANSU_VERSION (about 20 minutes, once per machine)" >&2
cargo install tansu --version "$TANSU_VERSION" --locked --features dynostore,libsql
