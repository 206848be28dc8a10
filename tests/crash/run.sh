#!/usr/bin/env bash
# Crash test: clients write patients, orders and documents through the API while the server is
# killed with SIGKILL at a random moment, RUNS times in a row. After every restart, every write
# the server acknowledged (201) must be there and every acknowledged document must come back
# with the bytes that were sent; at the end `durable verify` must pass. SQLite always;
# PostgreSQL as well when DURABLE_TEST_DATABASE_URL is set.
#
#   tests/crash/run.sh [RUNS]      (default 30; DURABLE_BIN defaults to target/debug/durable)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-30}"
bin="$(realpath "${DURABLE_BIN:-target/debug/durable}")"
port="${CRASH_PORT:-18383}"
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
pid=0
trap 'kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

fail() {
  echo "crash test ($backend): $*" >&2
  exit 1
}

start_server() {
  "$bin" serve --addr "127.0.0.1:$port" "${db_args[@]}" >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 500); do
    if curl -fsS "$base/healthz" >/dev/null 2>&1; then return; fi
    kill -0 "$pid" 2>/dev/null || fail "the server did not start again: $(tail -5 "$work/server.log")"
    sleep 0.02
  done
  fail "the server did not become healthy"
}

# POST $2 (JSON text) to $1; prints the created id when the answer is 201.
post_json() {
  local out code
  out="$(mktemp -p "$work")"
  code="$(curl -s -o "$out" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data "$2" "$base$1" || true)"
  if [ "$code" = 201 ]; then grep -o '"id":"[^"]*"' "$out" | head -1 | cut -d'"' -f4; fi
  rm -f "$out"
}

patient_json() {
  printf '{"family_name":"Crash%s","given_name":"Ada","birth_date":"1941-03-04","sex":"female","home_line1":"1 Main St","home_city":"Akron","home_state":"OH","home_postal_code":"44308","confirm_new":"true"}' "$1"
}

# Each client writes until the server is gone and records what was acknowledged.
patients_client() {
  local n=0 id
  while kill -0 "$pid" 2>/dev/null; do
    n=$((n + 1))
    id="$(post_json /api/v1/patients "$(patient_json "$run-$n")")"
    if [ -n "$id" ]; then echo "$id" >>"$work/patients"; fi
  done
}

orders_client() {
  local id
  while kill -0 "$pid" 2>/dev/null; do
    id="$(post_json /api/v1/orders "{\"patient_id\":\"$patient\",\"prescriber_id\":\"$prescriber\",\"order_date\":\"2026-11-20\",\"delivery_preference\":\"deliver\",\"diagnoses\":\"G47.33\",\"lines\":[{\"hcpcs\":\"E0601\",\"rent_or_buy\":\"rental\"}]}")"
    if [ -n "$id" ]; then echo "$id" >>"$work/orders"; fi
  done
}

documents_client() {
  local n=0 file out code
  while kill -0 "$pid" 2>/dev/null; do
    n=$((n + 1))
    file="$work/upload-$run-$n.pdf"
    { printf '%%PDF-1.7\n'; head -c $((RANDOM * 8)) /dev/urandom; } >"$file"
    out="$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
      "$base/api/v1/orders/$order/documents?kind=other" || true)"
    code="$(tail -1 <<<"$out")"
    if [ "$code" = 201 ]; then
      echo "$(grep -o '"id":"[^"]*"' <<<"$out" | cut -d'"' -f4) $(sha256sum "$file" | cut -d' ' -f1)" >>"$work/documents"
    fi
    rm -f "$file"
  done
}

# Checks the writes acknowledged since the last check (lines from $checked_* on).
check_acknowledged() {
  local kind id digest
  for kind in patients orders; do
    touch "$work/$kind"
    while read -r id; do
      [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/v1/$kind/$id")" = 200 ] ||
        fail "acknowledged $kind $id is missing after the crash"
    done < <(tail -n +"$(($(eval echo "\$checked_$kind") + 1))" "$work/$kind")
    eval "checked_$kind=$(wc -l <"$work/$kind")"
  done
  touch "$work/documents"
  while read -r id digest; do
    [ "$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/documents/$id" | sha256sum | cut -d' ' -f1)" = "$digest" ] ||
      fail "acknowledged document $id does not come back as sent"
  done < <(tail -n +"$((checked_documents + 1))" "$work/documents")
  checked_documents=$(wc -l <"$work/documents")
}

crash_test() {
  backend="$1"
  shift
  db_args=(--data "$work/$backend" "$@")
  rm -f "$work/patients" "$work/orders" "$work/documents"
  checked_patients=0 checked_orders=0 checked_documents=0
  "$bin" demo --scale 4 "${db_args[@]}" >/dev/null
  token="$("$bin" user token intake "${db_args[@]}" 2>/dev/null)"
  start_server
  prescriber="$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/prescribers" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)"
  run=setup
  patient="$(post_json /api/v1/patients "$(patient_json setup)")"
  order="$(post_json /api/v1/orders "{\"patient_id\":\"$patient\",\"prescriber_id\":\"$prescriber\",\"order_date\":\"2026-11-20\",\"delivery_preference\":\"deliver\",\"diagnoses\":\"G47.33\",\"lines\":[{\"hcpcs\":\"E0601\",\"rent_or_buy\":\"rental\"}]}")"
  [ -n "$patient" ] && [ -n "$order" ] || fail "cannot create the patient and order the clients write to"
  for run in $(seq 1 "$runs"); do
    patients_client &
    orders_client &
    documents_client &
    sleep "0.$((RANDOM % 9 + 1))"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    wait
    start_server
    check_acknowledged
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  "$bin" verify "${db_args[@]}" >"$work/verify.log" 2>&1 || fail "durable verify: $(cat "$work/verify.log")"
  echo "crash test ($backend): $runs kills; $checked_patients patients, $checked_orders orders, $checked_documents documents acknowledged and found; verify passed"
}

crash_test sqlite
if [ -n "${DURABLE_TEST_DATABASE_URL:-}" ]; then
  name="durable_crash_$$"
  psql -q "$DURABLE_TEST_DATABASE_URL" -c "CREATE DATABASE $name"
  trap 'kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; psql -q "$DURABLE_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null' EXIT
  crash_test postgres --database-url "${DURABLE_TEST_DATABASE_URL%/*}/$name"
fi
