#!/usr/bin/env bash
# Load benchmark (docs/benchmarks.md): demo load time at a given scale, cold start to a healthy
# /healthz, patient search by name prefix and asset search by serial under 32 concurrent clients
# (wrk), and the server's peak resident memory. Needs wrk and sqlite3 (apt-get install wrk sqlite3).
#
#   benches/search-load.sh [SCALE]        (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-100000}"
port="${PORT:-18181}"
cargo build --release -p durable --locked
bin=target/release/durable
data="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
unset DATABASE_URL

start=$(date +%s.%N)
"$bin" demo --scale "$scale" --data "$data" >/dev/null
echo "demo --scale $scale: $(echo "$(date +%s.%N) - $start" | bc) s"
token=$("$bin" user token intake --data "$data" 2>/dev/null)
tech_token=$("$bin" user token tech --data "$data" 2>/dev/null)
# 2,000 serials of the demo fleet, in random order, for the asset search.
sqlite3 "$data/durable.sqlite" "SELECT serial FROM assets ORDER BY random() LIMIT 2000" >"$data/serials.txt"
# The loader's writes still sit in the page cache; without this the server's first checkpoint
# (its first fsync) writes them all out while requests wait, which measures the loader.
sync

start=$(date +%s.%N)
"$bin" serve --data "$data" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.005; done
echo "cold start to healthy /healthz: $(echo "$(date +%s.%N) - $start" | bc) s"

echo "patient search by name prefix (intake):"
DURABLE_TOKEN="$token" wrk -t2 -c32 -d20s --latency -s benches/search.lua "http://127.0.0.1:$port" \
  | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx"
echo "asset search by serial (tech):"
DURABLE_TOKEN="$tech_token" DURABLE_SERIALS="$data/serials.txt" \
  wrk -t2 -c32 -d20s --latency -s benches/assets.lua "http://127.0.0.1:$port" \
  | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx"
echo "server peak RSS: $(grep VmHWM /proc/$pid/status | awk '{print $2/1024 " MB"}')"
