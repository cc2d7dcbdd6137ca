#!/usr/bin/env bash
# A short, bounded fuzz run for the test suite:  run-fuzz.sh FUZZER CORPUS_DIR SECONDS
# Seeds are the test corpus, framed as fuzz-open.c reads them. A longer run
# (docs/TESTING.md): the same with more seconds, e.g. 3600.
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/new" "$work/seeds"

python3 - "$corpus" "$work/seeds" <<'PY'
import os, struct, sys
corpus, out = sys.argv[1], sys.argv[2]
def put(name, data):
    open(os.path.join(out, name), "wb").write(data)
for f in sorted(os.listdir(corpus)):
    p = os.path.join(corpus, f)
    if f.endswith(".geojson"):
        put(f, b"\x00" + open(p, "rb").read())
    elif f.endswith(".gpkg") and os.path.getsize(p) < 1_000_000:
        put(f, b"\x01" + open(p, "rb").read())
    elif f.endswith(".shp"):
        stem = p[:-4]
        parts = [open(stem + e, "rb").read() if os.path.exists(stem + e) else b""
                 for e in (".shp", ".shx", ".dbf")]
        put(f, b"\x02" + struct.pack("<I", len(parts[0])) + parts[0]
            + struct.pack("<I", len(parts[1])) + parts[1] + parts[2])
PY

# Inputs that once crashed it stay in the seeds, so the bugs stay fixed.
cp "$(dirname "$0")"/regressions/* "$work/seeds/"

# A crash is a failure (libFuzzer's default exit code 77 would read as
# "skipped"); its input is kept in fuzz-artifacts/ to reproduce it.
mkdir -p fuzz-artifacts
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
  -error_exitcode=1 -artifact_prefix=fuzz-artifacts/ "$work/new" "$work/seeds"
