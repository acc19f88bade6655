#!/usr/bin/env bash
# The whole test suite: the README's test command, and exactly what .ci/run runs.
# Installs what it needs first (idempotent), then checks the architecture rules and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The Kafka-API broker the integration tests start (built once per machine, ~20 min; skipped when
# present).
scripts/install-broker.sh

# The scanner core stays free of I/O and runtime crates (style.md §1).
if grep -rnE '^\s*use (tokio|rdkafka|prometheus|tracing)|std::(fs|net|io)::|println!|eprintln!' src/scanner/; then
  echo "test.sh: src/scanner/ must not do I/O or use tokio, rdkafka, prometheus or tracing" >&2
  exit 1
fi

# Lints (Cargo.toml [lints]) must be clean.
cargo clippy --release --locked --all-targets -- -D warnings

# Deployment files: alert rules (promtool check and unit tests), compose file, Kubernetes manifests.
scripts/check-deploy.sh

cargo test --release --locked --lib --bins --test integration -- --show-output
cargo test --release --locked --doc
# Benchmarks in test mode: one iteration each, so their finding-count checks run; the end-to-end
# harness on a small backlog (its full run is `cargo bench --bench e2e`, see BENCHMARKS.md).
cargo test --release --locked --bench scanner
E2E_QUICK=1 cargo test --release --locked --bench e2e
