#!/usr/bin/env bash
# The whole test suite: the README's test command, and exactly what .ci/run runs.
# Installs what it needs first (idempotent), then checks the architecture rules and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The Kafka-API broker the integration tests start (built once per machine, ~20 min; skipped when
# present).
scripts/install-broker.sh

# The scanner core stays free of I/O and runtime crates (docs/architecture.md §4).
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

# Coverage-guided fuzzing (libFuzzer, stable Rust; scripts/fuzz-cov.sh): 40 s on each of the four
# targets (record bytes, free text in bodies, speech and name fields, finding records, config and
# policy files), seeded with every hand-written corpus; any crash, hang or out-of-memory fails here.
scripts/fuzz-cov.sh 40

# The binary as users build it (`cargo build --release`: no dev-dependency features, unlike the test
# builds above, where Cargo unifies them): scan every corpus under tests/corpus/ (events in real Twilio
# shapes, and the regression corpus's texts) with it; every line must scan cleanly, with no `unscanned` command. A feature
# the code needs but only a dev-dependency enabled fails here (regex's `unicode-case` once: the
# shipped binary panicked on "husband"; `\p{Lu}` without general-category tables later, on "Mr."
# before a partner word).
cargo build --release --locked --bin piiguard
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
python3 - "$smoke/events.jsonl" <<'PY'
import glob, sys, tomllib
with open(sys.argv[1], "w") as out:
    for path in sorted(glob.glob("tests/corpus/**/*.toml", recursive=True)):
        for case in tomllib.load(open(path, "rb")).get("case", []):
            out.write(case["input"] + "\n")
PY
PIIGUARD_HMAC_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
  target/release/piiguard scan --exit-zero "$smoke/events.jsonl" -o "$smoke/commands.jsonl" 2> "$smoke/summary.txt" \
  || { cat "$smoke/summary.txt" >&2; echo "test.sh: the shipped binary failed on the corpora" >&2; exit 1; }
test -s "$smoke/commands.jsonl"
if grep -q '"reason":"unscanned"' "$smoke/commands.jsonl"; then
  cat "$smoke/summary.txt" >&2
  echo "test.sh: the shipped binary failed to scan corpus events (unscanned commands)" >&2
  exit 1
fi
echo "shipped binary: scanned $(wc -l < "$smoke/events.jsonl") corpus events, $(wc -l < "$smoke/commands.jsonl") commands"
