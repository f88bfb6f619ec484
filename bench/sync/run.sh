#!/usr/bin/env bash
# The Toggl sync benchmark: 90-day backfill of 40 entries/day from FakeToggl over loopback HTTP
# into SQLite, requests per steady-state cycle (target: 1), and upserts per second.
# Usage: bench/sync/run.sh [days] [entries-per-day] [upserts]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product tally-sync-bench >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)" >&2
.build/release/tally-sync-bench "${1:-90}" "${2:-40}" "${3:-50000}"
