#!/usr/bin/env bash
# Benchmark: an authenticated `GET /v1/daily-logs?date=` over 100 users x 365 days of logs,
# against a bare Hummingbird route (bench/BareServer) built the same way, in one run.
# Prints the figures for bench/README.md. Needs wrk (installed from Debian if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15}
USERS=${USERS:-100}
DAYS=${DAYS:-365}

command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

swift build -c release --product tally >&2
swift build -c release --product tally-bench-bare >&2
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export TALLY_DATABASE_URL="$WORK/bench.sqlite"
KEY=$("$BIN/tally" keys create --name bench --scopes read,write,admin 2>/dev/null)

TALLY_RATE_LIMIT=1000000000 TALLY_PORT=8101 "$BIN/tally" serve 2>"$WORK/serve.log" &
"$BIN/tally-bench-bare" 8102 2>/dev/null &
wait_for() { for _ in $(seq 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "$1 never answered" >&2; exit 1; }
wait_for "http://127.0.0.1:8101/health"
wait_for "http://127.0.0.1:8102/bare"

echo "seeding $USERS users x $DAYS days through the API..." >&2
python3 bench/api/seed.py "http://127.0.0.1:8101" "$KEY" "$USERS" "$DAYS" >&2
DATE=$(python3 -c "import datetime; print((datetime.date(2026,1,1)+datetime.timedelta(days=$DAYS//2)).isoformat())")
COUNT=$(curl -fs "http://127.0.0.1:8101/v1/daily-logs?date=$DATE&limit=1000" -H "Authorization: Bearer $KEY" \
  | python3 -c "import json,sys; print(len(json.load(sys.stdin)['daily_logs']))")
echo "one request returns $COUNT logs" >&2

run_wrk() { wrk -t2 -c32 -d"${DURATION}s" --latency "$@"; }
echo "warming up..." >&2
wrk -t2 -c16 -d3s -H "Authorization: Bearer $KEY" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE" >/dev/null
wrk -t2 -c16 -d3s "http://127.0.0.1:8102/bare" >/dev/null

echo "== bare Hummingbird route (GET /bare)"
BARE=$(run_wrk "http://127.0.0.1:8102/bare")
echo "$BARE"
echo "== Tally: authenticated GET /v1/daily-logs?date=$DATE ($COUNT logs)"
TALLY=$(run_wrk -H "Authorization: Bearer $KEY" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE")
echo "$TALLY"
echo "== Tally, the same with Cache-Control: no-cache (every answer read from SQLite and encoded)"
NOCACHE=$(run_wrk -H "Authorization: Bearer $KEY" -H "Cache-Control: no-cache" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE")
echo "$NOCACHE"
echo "== Tally at about 1,000 requests/s (10 connections, 10 ms apart each)"
PACED=$(wrk -t1 -c10 -d"${DURATION}s" --latency -s bench/api/paced.lua -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:8101/v1/daily-logs?date=$DATE")
echo "$PACED"

rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
p99() { echo "$1" | awk '/ 99%/ {print $2}'; }
echo "== summary"
echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; $(date -u +%Y-%m-%d)"
echo "bare: $(rps "$BARE") req/s, p99 $(p99 "$BARE")"
echo "tally: $(rps "$TALLY") req/s, p99 $(p99 "$TALLY")"
echo "ratio tally/bare: $(python3 -c "print(f'{$(rps "$TALLY")/$(rps "$BARE"):.2f}')")"
echo "tally, no-cache: $(rps "$NOCACHE") req/s, p99 $(p99 "$NOCACHE")"
echo "ratio tally no-cache/bare: $(python3 -c "print(f'{$(rps "$NOCACHE")/$(rps "$BARE"):.2f}')")"
echo "paced: $(rps "$PACED") req/s, p99 $(p99 "$PACED")"
grep -c '"msg":"request"' "$WORK/serve.log" | xargs -I{} echo "request log lines written: {}"
