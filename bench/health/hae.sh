#!/usr/bin/env bash
# Health Auto Export: a ~100 MB batch posted to a release `tally serve`; wall time of the POST and
# the server's peak RSS (VmHWM) before and after.
# Usage: bench/health/hae.sh [size-mb]
set -euo pipefail
cd "$(dirname "$0")/../.."
size="${1:-100}"
swift build -c release --product tally >&2
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/health/hae_payload.py "$work/hae.json" "$size" >&2
export TALLY_DATABASE_URL="$work/tally.sqlite" TALLY_HEALTH_WEBHOOK_TOKEN="bench-token-0123456789abcdef"
.build/release/tally users create --id ann --name Ann >/dev/null
.build/release/tally serve --port 18701 --log-format text 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:18701/health >/dev/null 2>&1 && break; sleep 0.1; done
idle=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
start=$(date +%s.%N)
answer=$(curl -fsS -X POST -H "Authorization: Bearer $TALLY_HEALTH_WEBHOOK_TOKEN" -H "Content-Type: application/json" \
  --data-binary "@$work/hae.json" http://127.0.0.1:18701/webhooks/health)
end=$(date +%s.%N)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
echo "body: $(stat -c %s "$work/hae.json") bytes; answer: $answer"
echo "POST wall time: $(echo "$end - $start" | bc) s"
echo "server peak RSS: idle $((idle / 1024)) MB, after the POST $((peak / 1024)) MB"
