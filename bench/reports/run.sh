#!/usr/bin/env bash
# Benchmark (issue 6): the category-per-week report over a year of entries (≈100k and ≈1M),
# the dashboard's Overview page at 50 requests/s, and the server's idle RSS.
#
#   bench/reports/run.sh                   # both sizes
#   SIZES=small bench/reports/run.sh       # only ≈100k entries
#   LARGE=dense bench/reports/run.sh       # 1M as 20 users x ~137 entries a day instead of 200 x ~14
#   KEEP=1 bench/reports/run.sh            # keep the databases (path printed at the end)
#   SQL=0 bench/reports/run.sh             # skip timing the report's query alone (bench/reports/sqlscan.c)
#
# Prints a summary table at the end; bench/README.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"small large"}
LARGE=${LARGE:-users}
RATE=${RATE:-50}
SECONDS_OF_LOAD=${SECONDS_OF_LOAD:-20}
RUNS=${RUNS:-30}

swift build -c release --product tally >&2
BIN=$(swift build -c release --show-bin-path)
TALLY="$BIN/tally"

WORK=$(mktemp -d)
# The report's SQL alone, read row by row through the system libsqlite3 (the one the server
# links) without Swift: how much of the report's time SQLite itself takes.
SQLSCAN=""
if [ "${SQL:-1}" != 0 ] && [ -f /usr/include/sqlite3.h ] && command -v cc >/dev/null; then
    cc -O2 -o "$WORK/sqlscan" bench/reports/sqlscan.c -lsqlite3 && SQLSCAN="$WORK/sqlscan"
fi
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill -9 "$SERVER" 2>/dev/null || true; fi
    if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "databases kept in $WORK" >&2; fi
}
trap cleanup EXIT

export TALLY_BCRYPT_COST=10
LAST=$(date -u +%F)
FIRST=$(date -u -d "$LAST - 364 days" +%F)
ZONES=(Europe/Amsterdam America/New_York Asia/Tokyo Europe/London America/Los_Angeles Australia/Sydney Asia/Kolkata UTC)
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# Each result carries the CPU that other processes used in the second before it was measured
# (`LOAD`, in cores; the server's own share left out): on a shared machine a compile or a browser
# test next to the benchmark inflates its figures.
LOAD=0
cpu_jiffies() { awk '/^cpu / {print $2+$3+$4+$7+$8+$9}' /proc/stat; }
proc_jiffies() { if [ -n "${SERVER:-}" ]; then awk '{print $14+$15}' "/proc/$SERVER/stat"; else echo 0; fi; }
note_load() {
    local c0 p0 c1 p1
    c0=$(cpu_jiffies) p0=$(proc_jiffies)
    sleep 1
    c1=$(cpu_jiffies) p1=$(proc_jiffies)
    LOAD=$(awk -v c="$((c1 - c0 - p1 + p0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", c / hz}')
}
record() {
    python3 -c 'import json,sys; d=json.loads(sys.argv[3]); d.update(size=sys.argv[1], what=sys.argv[2], load=float(sys.argv[4])); print(json.dumps(d))' \
        "$1" "$2" "$3" "$LOAD" >>"$RESULTS"
}

run_size() {
    local size=$1 users per_day
    case "$size:$LARGE" in
        small:*) users=20 per_day=14 ;;
        large:users) users=200 per_day=14 ;;
        large:dense) users=20 per_day=137 ;;
        *) echo "unknown size $size / LARGE=$LARGE" >&2; exit 1 ;;
    esac
    local db="$WORK/$size.sqlite"
    echo "== $size: $users users, $FIRST..$LAST, ~$per_day entries per user-day" >&2

    local started=$SECONDS
    for i in $(seq 1 "$users"); do
        local id role=member
        id=$(printf 'u%02d' "$i")
        [ "$i" = 1 ] && role=admin
        "$TALLY" users create --id "$id" --name "User $i" --timezone "${ZONES[$(((i - 1) % ${#ZONES[@]}))]}" \
            --role "$role" --database "$db" >/dev/null
    done
    echo "   $users users created in $((SECONDS - started)) s" >&2
    started=$SECONDS
    local count
    count=$(python3 bench/reports/gen.py "$db" --first "$FIRST" --last "$LAST" --per-day "$per_day" 2>/dev/null)
    local bytes
    bytes=$(stat -c %s "$db")
    echo "   $count entries generated in $((SECONDS - started)) s ($((bytes / 1048576)) MB)" >&2
    record "$size" data "{\"users\": $users, \"entries\": $count, \"db_mb\": $((bytes / 1048576)), \"seconds\": $((SECONDS - started))}"

    echo 'bench password' | "$TALLY" users passwd u01 --database "$db" 2>/dev/null

    local port
    port=$(free_port)
    TALLY_RATE_LIMIT=100000000 "$TALLY" serve --port "$port" --database "$db" >"$WORK/$size-serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "server never answered" >&2; cat "$WORK/$size-serve.log" >&2; exit 1; }
    # The server loads its report table at start; how long until it holds every entry.
    local loaded
    loaded=$(python3 - "$port" "$count" <<'PY'
import sys, time, urllib.request
port, count, began = sys.argv[1], int(sys.argv[2]), time.perf_counter()
while time.perf_counter() - began < 120:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    line = next((l for l in text.splitlines() if l.startswith("tally_report_table_entries ")), None)
    if line and int(float(line.split()[-1])) >= count:
        break
    time.sleep(0.05)
print(f"{time.perf_counter() - began:.2f}")
PY
)
    record "$size" table_load "{\"seconds\": $loaded}"
    sleep 2
    note_load
    record "$size" rss_idle "{\"kb\": $(rss_kb "$SERVER")}"

    local key
    key=$("$TALLY" keys create --name bench --scopes read --database "$db" 2>/dev/null)
    local path
    for path in \
        "/v1/reports/time?from=$FIRST&to=$LAST&group_by=week" \
        "/v1/reports/time?from=$FIRST&to=$LAST&group_by=week&user_id=u01" \
        "/v1/reports/time?from=$FIRST&to=$LAST&group_by=day"; do
        echo "   GET $path" >&2
        note_load
        record "$size" "report" "$(python3 bench/reports/measure.py report "$port" "$key" "$path" --runs "$RUNS")"
    done
    path="/v1/reports/time?from=$FIRST&to=$LAST&group_by=week"
    echo "   GET $path, each after a change committed by another process" >&2
    note_load
    record "$size" "report" "$(python3 bench/reports/measure.py report "$port" "$key" "$path" --runs "$RUNS" --touch "$db")"
    record "$size" rss_after_reports "{\"kb\": $(rss_kb "$SERVER")}"
    if [ -n "$SQLSCAN" ]; then
        # reportSpans's query for the whole team, its window one day wider than the range on each side.
        local line
        line=$("$SQLSCAN" "$db" 10 "SELECT id, user_id, source, category, '', (julianday(start_at) - 2440587.5) * 86400.0, \
(julianday(stop_at) - 2440587.5) * 86400.0 FROM time_entries WHERE start_at < ? AND (stop_at IS NULL OR stop_at > ?)" \
            "$(date -u -d "$LAST + 2 days" '+%F 00:00:00.000')" "$(date -u -d "$FIRST - 1 day" '+%F 00:00:00.000')")
        record "$size" sql "$(echo "$line" | awk '{printf "{\"rows\": %d, \"min\": %s, \"p50\": %s}", $2, $4, $7}')"
    fi

    echo "   GET / at $RATE/s for $SECONDS_OF_LOAD s" >&2
    note_load
    record "$size" overview "$(python3 bench/reports/measure.py overview "$port" u01 'bench password' --rate "$RATE" --seconds "$SECONDS_OF_LOAD")"
    record "$size" rss_after_load "{\"kb\": $(rss_kb "$SERVER")}"
    kill -9 "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
}

for size in $SIZES; do run_size "$size"; done

echo
echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB;" \
    "$(date -u +%Y-%m-%d); commit $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- Sources Package.swift)" ] || echo ' + uncommitted changes')"
python3 - "$RESULTS" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
targets = {("small", "group_by=week", False): 100, ("large", "group_by=week", False): 500}
print(f"| size | measure | min | median | p95 | p99 | max | target | met | load |")
print(f"| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
for r in rows:
    size, what = r["size"], r["what"]
    if what == "data":
        print(f"| {size} | data: {r['users']} users, {r['entries']:,} entries, {r['db_mb']} MB (generated in {r['seconds']} s) | | | | | | | | |")
    elif what == "table_load":
        print(f"| {size} | report table loaded at start (after /health answers) | | {r['seconds'] * 1000:.0f} | | | | | | |")
    elif what.startswith("rss"):
        print(f"| {size} | RSS {what[4:].replace('_', ' ')} | | {r['kb'] / 1024:.0f} MB | | | | | | {r['load']:.2f} |")
    elif what == "report":
        query = r["path"].split("?", 1)[1]
        team = "user_id" not in query
        grouping = "group_by=week" if "group_by=week" in query else "group_by=day"
        target = targets.get((size, grouping, not team)) if team and "after a change" not in r["path"] else None
        met = "" if target is None else ("yes" if r["p50"] <= target else "**no**")
        label = f"report {grouping}, {'team' if team else 'u01'}{', after a change' if 'after a change' in r['path'] else ''} ({r['rows']} rows, {r['bytes']:,} B)"
        print(f"| {size} | {label} | {r['min']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | "
              f"{'≤ %d ms' % target if target else ''} | {met} | {r['load']:.2f} |")
    elif what == "sql":
        print(f"| {size} | the team query alone in C (sqlscan, {r['rows']:,} rows) | {r['min']:.1f} | {r['p50']:.1f} | | | | | | |")
    elif what == "overview":
        met = "yes" if r["errors"] == 0 and r["p99"] <= 50 else "**no**"
        print(f"| {size} | Overview GET / at {r['offered_per_s']:.0f}/s ({r['sent']} sent, {r['achieved_per_s']}/s, "
              f"{r['errors']} errors, {r['bytes']:,} B) | {r['min']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
              f"{r['max']:.1f} | p99 ≤ 50 ms | {met} | {r['load']:.2f} |")
        if r["errors"]:
            print(f"first error: {r['first_error']}", file=sys.stderr)
worst = max(r.get("load", 0) for r in rows)
print(f"\nload: CPU used by other processes in the second before each measurement, in cores (max {worst:.2f}).")
if worst > 0.2:
    print("note: something else was running on this machine; the figures above are inflated by it.")
EOF
