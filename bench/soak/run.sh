#!/usr/bin/env bash
# Soak benchmark: a fixed 200 requests/s of mixed reads and writes against one `tally serve` for
# 30 minutes, sampling the server's memory, file descriptors, latency and errors every minute.
#
#   bench/soak/run.sh                       # builds `swift build -c release --product tally`, 30 min
#   SOAK_MINUTES=2 TALLY_BIN=/path/to/tally bench/soak/run.sh   # an existing binary, no build
#
# Environment:
#   TALLY_BIN            a tally binary to use; when unset the script runs
#                        `swift build -c release --product tally` and uses that one
#   SOAK_MINUTES         how long to drive load (default 30)
#   SOAK_RATE            requests per second offered, open-loop (default 200)
#   SOAK_USERS           users the writes are spread over (default 20; one made by the CLI, the rest
#                        through POST /v1/users)
#   SOAK_SAMPLE_SECONDS  seconds between samples (default 60)
#   SOAK_SEED            seed of the request mix (default 1)
#
# The mix (bench/soak/driver.py): GET /v1/daily-logs?date= (22 %), ?user_id= (8 %),
# GET /v1/daily-logs/{id} (5 %), GET /v1/users (12 %), POST /v1/daily-logs (13 %, each to a new
# user/date pair, with an Idempotency-Key), PATCH /v1/daily-logs/{id} (8 %), POST /v1/appointments
# (10 %), GET /v1/appointments?user_id=&from=&to= (14 %), GET /v1/appointments/{id} (4 %),
# PATCH /v1/appointments/{id} (4 %). The limit of 100 requests a minute per key is raised
# (TALLY_RATE_LIMIT) so it never refuses; any non-2xx answer, a 429 included, counts as an error.
#
# Output: a table (one row per sample), the start and end figures, and
# .build/artefacts/soak/soak-<UTC time>.csv; the server's log goes to .build/artefacts/soak/serve.log.
# Exit status 1 when any request failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MINUTES=${SOAK_MINUTES:-30}
RATE=${SOAK_RATE:-200}
USERS=${SOAK_USERS:-20}
SAMPLE=${SOAK_SAMPLE_SECONDS:-60}
SEED=${SOAK_SEED:-1}

BIN=${TALLY_BIN:-}
if [ -z "$BIN" ]; then
    swift build -c release --product tally >&2
    BIN="$(swift build -c release --show-bin-path)/tally"
fi
[ -x "$BIN" ] || { echo "bench/soak: no tally binary at $BIN" >&2; exit 2; }

ARTEFACTS="$ROOT/.build/artefacts/soak"
mkdir -p "$ARTEFACTS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV="$ARTEFACTS/soak-$STAMP.csv"
LOG="$ARTEFACTS/serve.log"
: >"$ARTEFACTS/cli.log"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unset TOGGL_API_TOKEN TOGGL_WEBHOOK_SECRET CLOCKIFY_API_KEY CLOCKIFY_WEBHOOK_TOKEN TALLY_HEALTH_WEBHOOK_TOKEN
export TALLY_DATABASE_URL="$WORK/soak.sqlite"
export TALLY_SECRET_KEY_FILE="$WORK/secret.key"
export TALLY_RATE_LIMIT=1000000000

"$BIN" users create --id soak000 --name "Soak Rep 0" --timezone Europe/Amsterdam >/dev/null 2>>"$ARTEFACTS/cli.log"
KEY=$("$BIN" keys create --name soak --scopes read,write,admin 2>>"$ARTEFACTS/cli.log")

"$BIN" serve --host 127.0.0.1 --port 0 --log-format json 2>"$LOG" &
SERVER_PID=$!
URL=""
for _ in $(seq 200); do
    URL=$(sed -n 's/.*"msg":"listening".*"url":"\([^"]*\)".*/\1/p; s/.*"url":"\([^"]*\)".*"msg":"listening".*/\1/p' "$LOG" | head -1)
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "bench/soak: tally serve exited:" >&2; cat "$LOG" >&2; exit 2; }
    sleep 0.1
done
[ -n "$URL" ] || { echo "bench/soak: tally serve did not report its URL" >&2; cat "$LOG" >&2; exit 2; }
curl -fsS "$URL/health" >/dev/null

echo "bench/soak: $(basename "$BIN") (pid $SERVER_PID) at $URL; $RATE requests/s for $MINUTES min, samples every ${SAMPLE}s"
echo "machine: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2}'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
set +e
python3 "$ROOT/bench/soak/driver.py" --url "$URL" --key "$KEY" --pid "$SERVER_PID" \
    --rate "$RATE" --minutes "$MINUTES" --sample-seconds "$SAMPLE" --users "$USERS" --seed "$SEED" \
    --database "$WORK/soak.sqlite" --csv "$CSV"
STATUS=$?
set -e
if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "bench/soak: tally serve died during the run" >&2; STATUS=1; fi
echo "server log: $LOG ($(wc -l <"$LOG") lines; $(grep -c '"level":"error"' "$LOG" || true) errors, $(grep -c '"level":"warning"' "$LOG" || true) warnings)"
exit "$STATUS"
