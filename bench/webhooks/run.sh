#!/usr/bin/env bash
# Benchmark: webhook deliveries per second to a local receiver, and event-to-delivery latency
# (from the API call that caused the event) at a steady 100 events/s. Release build, one run.
# Prints the figures for bench/README.md.
#
# Throughput: a backlog is recorded while the server runs with TALLY_WEBHOOK_DELIVERY=off, then a
# server with delivery on drains it; the rate runs from the first arrival to the last.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-100}
SECONDS_AT_RATE=${SECONDS_AT_RATE:-30}
BACKLOG=${BACKLOG:-20000}

swift build -c release --product tally >&2
swift build -c release --product tally-bench-webhooks >&2
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
export TALLY_DATABASE_URL="$WORK/bench.sqlite" TALLY_RATE_LIMIT=1000000000 TALLY_WEBHOOK_ALLOW_PRIVATE=1 TALLY_PORT=8111
KEY=$("$BIN/tally" keys create --name bench --scopes admin 2>/dev/null)
"$BIN/tally" users create --id bench --name Bench >/dev/null

serve() {
    "$BIN/tally" serve 2>>"$WORK/serve.log" &
    SERVER=$!
    for _ in $(seq 100); do curl -fs http://127.0.0.1:8111/health >/dev/null 2>&1 && return; sleep 0.1; done
    echo "tally serve did not start" >&2
    exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" || true; }

echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; $(date -u +%Y-%m-%d)"
serve
"$BIN/tally-bench-webhooks" latency http://127.0.0.1:8111 "$KEY" 8112 "$RATE" "$SECONDS_AT_RATE"
stop

TALLY_WEBHOOK_DELIVERY=off serve
"$BIN/tally-bench-webhooks" backlog http://127.0.0.1:8111 "$KEY" 8113 "$BACKLOG"
stop

"$BIN/tally-bench-webhooks" drain 8113 "$BACKLOG" &
DRAIN=$!
sleep 0.5
serve
wait "$DRAIN"
curl -fs http://127.0.0.1:8111/metrics | grep -E '^tally_webhook_attempts_total' || true
stop
