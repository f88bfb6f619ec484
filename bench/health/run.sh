#!/usr/bin/env bash
# Benchmark: reading a generated Apple Health export.zip with HealthExportReader
# (tally-health-bench) against `unzip -p ... > /dev/null` on the same archive, in one run.
# Prints wall time and peak RSS of each (from /usr/bin/time -v) and their ratio.
#
#   SIZE_MB=200 SEED=1 RUNS=3 bench/health/run.sh
#   BIG_MB=2048 bench/health/run.sh      # also peak RSS on a 2 GB export, deleted afterwards
#   HEALTHKIT_TO_SQLITE=/path/to/healthkit-to-sqlite bench/health/run.sh   # also time that tool
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-200}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
BIG_MB=${BIG_MB:-}

swift build -c release --product tally-health-bench >&2
swift build -c release --product tally >&2
BIN=$(swift build -c release --show-bin-path)/tally-health-bench
TALLY=$(swift build -c release --show-bin-path)/tally
# The export generator (Sources/gen-health-export), unless TALLY_GEN_HEALTH_EXPORT names another.
if [ -n "${TALLY_GEN_HEALTH_EXPORT:-}" ]; then
    GEN=$TALLY_GEN_HEALTH_EXPORT
else
    swift build -c release --product gen-health-export >&2
    GEN=$(swift build -c release --show-bin-path)/gen-health-export
fi

# healthkit-to-sqlite from PyPI, the tool people use today, in a cached virtualenv.
if [ -z "${HEALTHKIT_TO_SQLITE:-}" ]; then
    VENV="${TMPDIR:-/tmp}/tally-bench-healthkit-venv"
    if [ ! -x "$VENV/bin/healthkit-to-sqlite" ]; then
        python3 -m venv "$VENV" >&2 && "$VENV/bin/pip" install --quiet healthkit-to-sqlite >&2
    fi
    HEALTHKIT_TO_SQLITE="$VENV/bin/healthkit-to-sqlite"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tally-health-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Runs a command under /usr/bin/time -v, its output to the file given first; prints "seconds peak_kb".
measure() {
    local out=$1
    shift
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$out"
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.3f %d\n", s, kb }' "$WORK/time.txt"
}

# The median of RUNS measurements of a command; prints "seconds peak_kb".
median_of_runs() {
    for _ in $(seq "$RUNS"); do measure /dev/null "$@"; done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

compare() {
    local archive=$1 manifest=$2
    local xml
    xml=$(unzip -Z1 "$archive" | grep -v '^__MACOSX/' | grep -E '^apple_health_export/[^/]+\.xml$' | grep -v export_cda.xml | head -1)
    cat "$archive" >/dev/null # both start from a warm page cache
    measure "$WORK/out.txt" "$BIN" "$archive" >/dev/null
    echo "reader output:" >&2
    sed 's/^/  /' "$WORK/out.txt" >&2
    read -r reader_s reader_kb < <(median_of_runs "$BIN" "$archive")
    read -r unzip_s unzip_kb < <(median_of_runs unzip -p "$archive" "$xml")
    echo "archive: $(du -h "$archive" | cut -f1) compressed, $(unzip -Zt "$archive" | awk '{print $3}') bytes uncompressed"
    echo "tally-health-bench: ${reader_s} s, peak RSS $((reader_kb / 1024)) MB (median of $RUNS)"
    echo "unzip -p > /dev/null: ${unzip_s} s, peak RSS $((unzip_kb / 1024)) MB (median of $RUNS)"
    echo "ratio reader/unzip: $(awk -v a="$reader_s" -v b="$unzip_s" 'BEGIN { printf "%.2f", a / b }') (target <= 1.5); peak RSS target <= 64 MB"
    echo "reader found: $(tail -1 "$WORK/out.txt" | cut -d, -f1-2)"
    # The whole import: read, map and write every entry (with its event) to a fresh SQLite file.
    for _ in $(seq "$RUNS"); do
        rm -f "$WORK"/import.sqlite*
        TALLY_DATABASE_URL="$WORK/import.sqlite" "$TALLY" users create --id bench --name Bench >/dev/null
        measure "$WORK/import.txt" env TALLY_DATABASE_URL="$WORK/import.sqlite" "$TALLY" import-health "$archive"
    done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }' >"$WORK/import.time"
    read -r import_s import_kb <"$WORK/import.time"
    echo "tally import-health: ${import_s} s, peak RSS $((import_kb / 1024)) MB (median of $RUNS); $(grep -E '^New entries' "$WORK/import.txt")"
    echo "ratio import/unzip: $(awk -v a="$import_s" -v b="$unzip_s" 'BEGIN { printf "%.2f", a / b }') (target <= 1.5)"
    IMPORT_S=$import_s
    python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(f\"manifest says: workouts {m['workout_count']}, mindful sessions {m['mindful']['count']}\")" "$manifest"
}

echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; $(date -u +%Y-%m-%d)"
echo "== export.zip --size-mb $SIZE_MB --seed $SEED"
"$GEN" "$WORK/export.zip" --size-mb "$SIZE_MB" --seed "$SEED" --manifest "$WORK/manifest.json"
compare "$WORK/export.zip" "$WORK/manifest.json"

if [ -x "$HEALTHKIT_TO_SQLITE" ]; then
    read -r hk_s hk_kb < <(measure /dev/null "$HEALTHKIT_TO_SQLITE" "$WORK/export.zip" "$WORK/healthkit.db")
    echo "healthkit-to-sqlite (all records into SQLite): ${hk_s} s, peak RSS $((hk_kb / 1024)) MB"
    echo "tally import-health is $(awk -v a="$hk_s" -v b="$IMPORT_S" 'BEGIN { printf "%.0f", a / b }') x faster (target >= 30)"
    rm -f "$WORK/healthkit.db"
fi

if [ -n "$BIG_MB" ]; then
    echo "== export.zip --size-mb $BIG_MB --seed $SEED (deleted afterwards)"
    df -h "$WORK" | tail -1
    rm -f "$WORK/export.zip"
    "$GEN" "$WORK/big.zip" --size-mb "$BIG_MB" --seed "$SEED" --manifest "$WORK/big.json"
    RUNS=1 compare "$WORK/big.zip" "$WORK/big.json"
    rm -f "$WORK/big.zip"
fi
