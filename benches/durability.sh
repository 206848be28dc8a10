#!/usr/bin/env bash
# Cost of durable commits (docs/benchmarks.md): the same release binary and the same demo data
# set, run side by side with DURABLE_SQLITE_SYNCHRONOUS=normal (the setting before durable
# commits) and full (the default): patient search by name prefix and patient create, each under
# 32 concurrent clients (wrk). Needs wrk (apt-get install wrk).
#
#   benches/durability.sh [SCALE] [SECONDS]        (defaults 100000 and 20)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-100000}"
seconds="${2:-20}"
port="${PORT:-18181}"
cargo build --release -p durable --locked
bin="${CARGO_TARGET_DIR:-target}/release/durable"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
unset DATABASE_URL

"$bin" demo --scale "$scale" --data "$work/loaded" >/dev/null
token=$("$bin" user token intake --data "$work/loaded" 2>/dev/null)
sync
for setting in normal full; do
  # Each setting starts from the same data set.
  rm -rf "$work/data"
  cp -a "$work/loaded" "$work/data"
  sync
  DURABLE_SQLITE_SYNCHRONOUS=$setting "$bin" serve --data "$work/data" --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
  echo "synchronous=$setting, patient search by name prefix:"
  DURABLE_TOKEN="$token" wrk -t2 -c32 -d"${seconds}s" --latency -s benches/search.lua "http://127.0.0.1:$port" \
    | grep -E "50%|99%|Requests/sec|Non-2xx"
  echo "synchronous=$setting, patient create:"
  DURABLE_TOKEN="$token" wrk -t2 -c32 -d"${seconds}s" --latency -s benches/create.lua "http://127.0.0.1:$port" \
    | grep -E "50%|99%|Requests/sec|Non-2xx"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
