#!/usr/bin/env bash
# Runs the browser journey (tests/e2e/journey.mjs) against a fresh demo server.
#
# Builds nothing: expects the server binary in $DURABLE_BIN (default
# target/debug/durable, relative to the repository root). Uses SQLite in a
# temporary data directory, which is removed on exit together with the server.
#
#   cargo build -p durable && bash tests/e2e/run.sh
#
# Environment:
#   DURABLE_BIN   path of the durable binary (default target/debug/durable)
#   PORT          port to listen on (default: a free port, else 18080)
#   CHROMIUM      browser binary (default /usr/bin/chromium; installed with apt-get if missing)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
E2E="$ROOT/tests/e2e"

DURABLE_BIN="${DURABLE_BIN:-target/debug/durable}"
case "$DURABLE_BIN" in
  /*) ;;
  *) DURABLE_BIN="$ROOT/$DURABLE_BIN" ;;
esac
if [[ ! -x "$DURABLE_BIN" ]]; then
  echo "e2e: no durable binary at $DURABLE_BIN (build it first: cargo build -p durable)" >&2
  exit 2
fi

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ "$CHROMIUM" == /usr/bin/chromium ]]; then
    echo "e2e: installing Debian's chromium" >&2
    if [[ "$(id -u)" -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  if [[ ! -x "$CHROMIUM" ]]; then
    echo "e2e: no browser at $CHROMIUM" >&2
    exit 2
  fi
fi

if [[ -z "${PORT:-}" ]]; then
  PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 18080)"
fi
URL="http://127.0.0.1:$PORT"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/durable-e2e.XXXXXX")"
server_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -s "$tmp/server.log" ]]; then
    echo "e2e: last lines of the server log:" >&2
    tail -n 40 "$tmp/server.log" >&2 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "e2e: starting $DURABLE_BIN serve --demo on $URL (data in $tmp)"
env -u DATABASE_URL -u DURABLE_DATA -u DURABLE_SECURE_COOKIES \
  "$DURABLE_BIN" serve --demo --data "$tmp/data" --addr "127.0.0.1:$PORT" \
  >"$tmp/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 60); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited before it was ready" >&2
    exit 1
  fi
  if curl -fsS "$URL/healthz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "e2e: the server did not answer $URL/healthz within 30 s" >&2
  exit 1
fi
echo "e2e: server ready"

if [[ ! -d "$E2E/node_modules/playwright-core" ]]; then
  echo "e2e: npm ci"
  (cd "$E2E" && npm ci --silent --no-audit --no-fund)
fi

cd "$E2E"
DURABLE_URL="$URL" node journey.mjs
