#!/usr/bin/env bash
# Coverage-guided fuzzing of the scanner and the parsers with libFuzzer (the crate libfuzzer-sys),
# on stable Rust. The targets (fuzz/fuzz_targets/):
#   record          bytes as one Kafka record or `scan` line: JSON, walker, every detector, rule, commands
#   text            free text in a body, in speech and in name fields (spoken view, category pass,
#                   name-field parsing), escaped here so that every input reaches the detectors
#   finding_record  the conversation stage's finding and state records, applied to a correlator
#   config          configuration and policy files
#
#   scripts/fuzz-cov.sh [SECONDS_PER_TARGET] [TARGET ...]    defaults: 30 s, every target
#
# The test command runs it with 40 s a target; a long run is e.g. `scripts/fuzz-cov.sh 900`. The
# corpus each run grows is kept in target/fuzz/corpus/TARGET (seeded from the hand-written corpora,
# generated events, fuzz/seeds.txt and fuzz/finding-seeds.txt). A crash (a panic: libfuzzer-sys's
# panic hook aborts, even where the service would catch it and fail closed), a hang over 30 s or an
# out-of-memory stops the run with exit 1; the input is written to target/fuzz/artifacts/TARGET/.
# Minimise it (`BIN -minimize_crash=1 -runs=10000 FILE`), fix the bug, and add the minimised case as
# a plain test (tests/unicode.rs holds the ones found so far).
#
# Why libFuzzer through plain cargo: `cargo fuzz` needs nightly for its sanitizers; without one it
# passes the flags below, all stable (SanitizerCoverage through -Cpasses=sancov-module), so the
# script passes them itself and needs no extra tool. The build is for the host target explicitly,
# so the flags reach the project and its dependencies but not build scripts or proc macros.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(record text finding_record config)
host=$(rustc -vV | sed -n 's/^host: //p')
work=target/fuzz
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cargo build --release --locked --manifest-path fuzz/Cargo.toml --target "$host" --target-dir "$work/build" --bins --quiet
unset RUSTFLAGS
bin="$work/build/$host/release"

# Seeds: every hand-written corpus's events, generated events and conversations, the fixtures, the
# multilingual lines and hand-made finding records. Written anew each run (cheap), beside the corpus.
seeds="$work/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{record,text,finding_record,config}
cargo run --release --locked --quiet --bin piiguard -- generate -n 300 -s 7 -o "$seeds/gen.jsonl" --labels /dev/null
cargo run --release --locked --quiet --bin piiguard -- generate --conversations -n 20 -s 7 -o "$seeds/conv.jsonl" --labels /dev/null
python3 - "$seeds" <<'PY'
import glob, json, os, sys, tomllib
out = sys.argv[1]
n = 0
def put(target, data):
    global n
    n += 1
    with open(os.path.join(out, target, f"s{n:05}"), "wb") as f:
        f.write(data)
for path in sorted(glob.glob("tests/corpus/**/*.toml", recursive=True)):
    for case in tomllib.load(open(path, "rb")).get("case", []):
        if isinstance(case.get("input"), str):
            put("record", case["input"].encode())
            try:
                ev = json.loads(case["input"])
            except ValueError:
                continue
            # The event's longest string, as free text for the text target.
            strings = []
            def walk(v):
                if isinstance(v, str): strings.append(v)
                elif isinstance(v, list): [walk(x) for x in v]
                elif isinstance(v, dict): [walk(x) for x in v.values()]
            walk(ev)
            if strings:
                put("text", max(strings, key=len).encode())
for path in [os.path.join(out, "gen.jsonl"), os.path.join(out, "conv.jsonl"), "tests/fixtures/twilio-examples.jsonl"]:
    for line in open(path, "rb"):
        put("record", line.rstrip(b"\n"))
for line in open("fuzz/seeds.txt", encoding="utf-8"):
    text = line.rstrip("\n").replace("\\n", "\n")
    put("text", text.encode())
    put("record", json.dumps({"Body": text}, ensure_ascii=False).encode())
for line in open("fuzz/finding-seeds.txt", encoding="utf-8"):
    put("finding_record", line.rstrip("\n").replace("\\n", "\n").encode())
for path in ["piiguard.example.toml", "policy.example.toml"]:
    put("config", open(path, "rb").read())
print(f"fuzz: {n} seeds", file=sys.stderr)
PY

for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
  log="$work/$t.log"
  if ! "$bin/$t" -max_total_time="$secs" -timeout=30 -max_len=8192 -dict=fuzz/dict.txt -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/$t/" "$work/corpus/$t" "$seeds/$t" > "$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz-cov: $t failed; the input is in $work/artifacts/$t/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
  echo "fuzz-cov: $t: $runs executions in ${secs} s, $cov, corpus $(ls "$work/corpus/$t" | wc -l) inputs, no crash"
done
