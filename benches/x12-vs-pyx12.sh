#!/usr/bin/env bash
# Parses the same 837P and 835 files with durable-x12 (criterion, one core) and validates them
# with pyx12 4.0.0 in the same run, then prints each one's throughput and the ratio.
# Usage: benches/x12-vs-pyx12.sh   (figures go to docs/benchmarks.md by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$(scripts/x12-validators)"
cargo bench -p durable-x12 --bench x12 -- x12_parse >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for kind in 837p 835; do
  file="$work/durable-bench-$kind.x12"
  # The bench leaves the exact files it parsed in the temp folder.
  cp "${TMPDIR:-/tmp}/durable-bench-$kind.x12" "$file"
  start=$(date +%s.%N)
  "$tools/x12valid" "$file" 2>"$work/$kind.log" || true
  end=$(date +%s.%N)
  verdict=$(grep -Eo ': (OK|Failure)$' "$work/$kind.log" | tail -1 || true)
  name=$([[ $kind == 837p ]] && echo 837p_tokenize_and_type || echo 835_tokenize_and_type)
  python3 - "$file" "$start" "$end" "target/criterion/x12_parse/$name/new/estimates.json" "$kind" "$verdict" <<'PY'
import json, os, sys
path, start, end, estimates, kind, verdict = sys.argv[1:]
size = os.path.getsize(path)
pyx12 = float(end) - float(start)
ours = json.load(open(estimates))["mean"]["point_estimate"] / 1e9
print(f"{kind}: {size/1e6:.2f} MB; durable-x12 {ours*1e3:.2f} ms ({size/ours/1e6:.0f} MB/s); "
      f"pyx12 {pyx12:.1f} s ({size/pyx12/1e6:.3f} MB/s, verdict{verdict or ' none'}); ratio {pyx12/ours:,.0f}x")
PY
done
