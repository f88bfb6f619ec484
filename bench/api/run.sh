#!/usr/bin/env bash
# Benchmark: an authenticated `GET /v1/daily-logs?date=` over 100 users x 365 days of logs,
# against a bare Hummingbird route (bench/BareServer) built the same way, in one run.
# Prints the figures for bench/README.md. Needs wrk (installed from Debian if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
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
BARE_DEFAULT_EXECUTOR=1 "$BIN/tally-bench-bare" 8103 2>/dev/null &
wait_for() { for _ in $(seq 100); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "$1 never answered" >&2; exit 1; }
wait_for "http://127.0.0.1:8101/health"
wait_for "http://127.0.0.1:8102/bare"
wait_for "http://127.0.0.1:8103/bare"

echo "seeding $USERS users x $DAYS days through the API..." >&2
python3 bench/api/seed.py "http://127.0.0.1:8101" "$KEY" "$USERS" "$DAYS" >&2
DATE=$(python3 -c "import datetime; print((datetime.date(2026,1,1)+datetime.timedelta(days=$DAYS//2)).isoformat())")
COUNT=$(curl -fs "http://127.0.0.1:8101/v1/daily-logs?date=$DATE&limit=1000" -H "Authorization: Bearer $KEY" \
  | python3 -c "import json,sys; print(len(json.load(sys.stdin)['daily_logs']))")
echo "one request returns $COUNT logs" >&2

run_wrk() { wrk -t2 -c32 -d"${DURATION}s" --latency "$@"; }
rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
p99() { echo "$1" | awk '/ 99%/ {print $2}'; }
echo "warming up..." >&2
wrk -t2 -c16 -d3s -H "Authorization: Bearer $KEY" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE" >/dev/null
wrk -t2 -c16 -d3s "http://127.0.0.1:8102/bare" >/dev/null
wrk -t2 -c16 -d3s "http://127.0.0.1:8103/bare" >/dev/null

# The machine is shared and its speed drifts, so the runs take turns, ROUNDS times, and each
# round's ratio compares runs a few seconds apart. The peer runs Swift concurrency on NIO's event
# loops as `tally serve` does; the same route on Swift's default pool is measured for reference.
BARES=(); TALLYS=(); NOCACHES=(); DEFAULTS=()
for round in $(seq "$ROUNDS"); do
  echo "== round $round: bare Hummingbird route (GET /bare)"
  BARE=$(run_wrk "http://127.0.0.1:8102/bare"); echo "$BARE"
  echo "== round $round: the same bare route on Swift's default executor"
  DEFAULT=$(run_wrk "http://127.0.0.1:8103/bare"); echo "$DEFAULT"
  echo "== round $round: Tally, authenticated GET /v1/daily-logs?date=$DATE ($COUNT logs)"
  TALLY=$(run_wrk -H "Authorization: Bearer $KEY" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE"); echo "$TALLY"
  echo "== round $round: the same with Cache-Control: no-cache (read from SQLite and encoded every time)"
  NOCACHE=$(run_wrk -H "Authorization: Bearer $KEY" -H "Cache-Control: no-cache" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE")
  echo "$NOCACHE"
  BARES+=("$(rps "$BARE") $(p99 "$BARE")"); TALLYS+=("$(rps "$TALLY") $(p99 "$TALLY")"); NOCACHES+=("$(rps "$NOCACHE") $(p99 "$NOCACHE")")
  DEFAULTS+=("$(rps "$DEFAULT") $(p99 "$DEFAULT")")
done
echo "== Tally at about 1,000 requests/s (11 connections, 10 ms apart each)"
PACED=$(wrk -t1 -c11 -d"${DURATION}s" --latency -s bench/api/paced.lua -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:8101/v1/daily-logs?date=$DATE")
echo "$PACED"
echo "== bare route at about 1,000 requests/s (the same pacing)"
PACED_BARE=$(wrk -t1 -c11 -d"${DURATION}s" --latency -s bench/api/paced.lua "http://127.0.0.1:8102/bare")
echo "$PACED_BARE"
echo "== Tally at about 1,000 requests/s, no-cache"
PACED_NOCACHE=$(wrk -t1 -c11 -d"${DURATION}s" --latency -s bench/api/paced.lua -H "Authorization: Bearer $KEY" \
  -H "Cache-Control: no-cache" "http://127.0.0.1:8101/v1/daily-logs?date=$DATE")
echo "$PACED_NOCACHE"

echo "== summary"
echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; $(date -u +%Y-%m-%d)"
for round in $(seq 0 $((ROUNDS - 1))); do
  read -r b bp <<<"${BARES[$round]}"; read -r t tp <<<"${TALLYS[$round]}"; read -r n np <<<"${NOCACHES[$round]}"
  read -r d dp <<<"${DEFAULTS[$round]}"
  echo "round $((round + 1)): bare $b req/s (p99 $bp) | tally $t req/s (p99 $tp), ratio $(python3 -c "print(f'{$t/$b:.2f}')") | no-cache $n req/s (p99 $np), ratio $(python3 -c "print(f'{$n/$b:.2f}')") | bare on the default executor $d req/s (p99 $dp), tally/that $(python3 -c "print(f'{$t/$d:.2f}')")"
done
echo "paced: $(rps "$PACED") req/s, p99 $(p99 "$PACED")"
echo "paced, bare: $(rps "$PACED_BARE") req/s, p99 $(p99 "$PACED_BARE")"
echo "paced, no-cache: $(rps "$PACED_NOCACHE") req/s, p99 $(p99 "$PACED_NOCACHE")"
grep -c '"msg":"request"' "$WORK/serve.log" | xargs -I{} echo "request log lines written: {}"
