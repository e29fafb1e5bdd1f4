#!/usr/bin/env bash
# Builds the libFuzzer target over SextantWire, assembles the seed corpus and runs it.
#
#   Fuzz/run.sh [RUNS] [extra libFuzzer flags...]
#
# RUNS defaults to 10000000 (-runs=N). Examples:
#   Fuzz/run.sh                       # 10M executions
#   Fuzz/run.sh 100000                # a quick smoke run
#   Fuzz/run.sh -1 -max_total_time=600  # no run limit, stop after 10 minutes
#   Fuzz/run.sh --replay              # only re-run the inputs in Fuzz/crashes/ (regressions)
#
# Environment: SKIP_BUILD=1 reuses the last build.
#
# Layout (all relative to the repository root):
#   Fuzz/.build-fuzz/     the SwiftPM scratch path (ignored)
#   Fuzz/seeds/           hand-made seeds, regenerated here by the binary itself (committed)
#   Fuzz/corpus-run/      the working corpus and the seeds taken from proto-spec/vectors (ignored)
#   Fuzz/out/             the log and any crash/leak/timeout artifacts (ignored)
#   Fuzz/crashes/         minimized crashing inputs worth keeping (committed)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

replay=0
runs=10000000
if [[ "${1:-}" == "--replay" ]]; then
    replay=1
    shift
elif [[ "${1:-}" =~ ^-?[0-9]+$ ]]; then
    runs="$1"
    shift
fi

scratch="Fuzz/.build-fuzz"
binary="$scratch/release/sextant-fuzz"

# Swift's own crash handler would hold the process after a trap; libFuzzer and ASan report instead.
export SWIFT_BACKTRACE=enable=no

if [[ "${SKIP_BUILD:-0}" != "1" || ! -x "$binary" ]]; then
    echo "== building $binary"
    # --sanitize=fuzzer makes SwiftPM link libFuzzer's main(); -Xswiftc -sanitize=fuzzer,address is
    # what instruments the code: swiftc keeps only the last -sanitize= it is given, so SwiftPM's
    # separate --sanitize=fuzzer --sanitize=address flags would leave the code without coverage.
    build=(swift build -c release --package-path Fuzz --scratch-path "$scratch" --product sextant-fuzz
        --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
    if ! "${build[@]}"; then
        # SwiftPM keeps its build plan for the root package (a path dependency here) when a source
        # file there is deleted, and then fails on the "missing input": plan again and retry once.
        echo "== build failed; retrying with a fresh build plan"
        rm -f "$scratch/release.yaml" "$scratch/release/description.json"
        "${build[@]}"
    fi
fi

if [[ "$replay" == "1" ]]; then
    inputs=()
    for f in Fuzz/crashes/*; do
        [[ -f "$f" && "$f" != *.md && "$f" != *.py ]] && inputs+=("$f")
    done
    if [[ ${#inputs[@]} -eq 0 ]]; then
        echo "no inputs in Fuzz/crashes/"
        exit 0
    fi
    echo "== replaying ${#inputs[@]} input(s) from Fuzz/crashes/"
    exec "$binary" -rss_limit_mb=2048 -timeout=10 "$@" "${inputs[@]}"
fi

echo "== seeds"
mkdir -p Fuzz/seeds Fuzz/corpus-run/corpus Fuzz/corpus-run/vectors Fuzz/out
SEXTANT_FUZZ_WRITE_SEEDS=Fuzz/seeds "$binary"

# Golden vectors: each proto-spec/vectors/*.json has a "hex" field and a "kind": "value" (a
# top-level payload), "frame" (one frame) or "preface" (magic + SETTINGS frame). Each becomes
# inputs for the modes that can read it (see FuzzTarget.swift); all frames together also make
# one long stream. Works with zero vector files.
rm -f Fuzz/corpus-run/vectors/*
python3 - <<'PY'
import glob, json, os, sys
out = "Fuzz/corpus-run/vectors"
files = sorted(glob.glob("proto-spec/vectors/*.json"))
preface = b"SXT\x01"
count = 0
frames = []

def emit(name, payload):
    global count
    with open(os.path.join(out, name), "wb") as f:
        f.write(payload)
    count += 1

for path in files:
    try:
        with open(path, encoding="utf-8") as f:
            vector = json.load(f)
        data = bytes.fromhex(vector["hex"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"skipping {path}: {error}", file=sys.stderr)
        continue
    name = os.path.splitext(os.path.basename(path))[0]
    kind = vector.get("kind")
    if kind == "preface" or data.startswith(preface):
        # mode 0 (preface expected); control 0x00 (one chunk) and 0x14 (chunked).
        emit(f"{name}-stream", b"\x00\x00" + data)
        emit(f"{name}-stream-chunked", b"\x00\x14" + data)
    elif kind == "frame":
        frames.append(data)
        # mode 1 (no preface) whole and chunked; mode 0 behind the magic bytes.
        emit(f"{name}-frame", b"\x01\x00" + data)
        emit(f"{name}-frame-chunked", b"\x01\x14" + data)
        emit(f"{name}-frame-preface", b"\x00\x00" + preface + data)
    else:
        # mode 6 (the typical types), 7 (scalars and collections), 2 (event), 0x86 (strict limits).
        for suffix, mode in (("typical", 0x06), ("scalars", 0x07), ("event", 0x02), ("strict", 0x86)):
            emit(f"{name}-{suffix}", bytes([mode]) + data)
if frames:
    emit("all-frames-stream", b"\x01\x00" + b"".join(frames))
    emit("all-frames-stream-chunked", b"\x01\x18" + b"".join(frames))
print(f"{count} seed inputs from {len(files)} golden vector file(s)")
PY

echo "== fuzzing: -runs=$runs"
log="Fuzz/out/fuzz.log"
start=$(date +%s)
set +e
"$binary" \
    -runs="$runs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -dict=Fuzz/sextant.dict -print_final_stats=1 -artifact_prefix=Fuzz/out/ \
    "$@" \
    Fuzz/corpus-run/corpus Fuzz/seeds Fuzz/corpus-run/vectors \
    2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
end=$(date +%s)

echo "== result (exit $status, $((end - start)) s, log: $log)"
grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$log" | tail -1 || true
grep -E '^stat::' "$log" || true
ls Fuzz/out/crash-* Fuzz/out/leak-* Fuzz/out/timeout-* Fuzz/out/oom-* 2>/dev/null || true
exit "$status"
