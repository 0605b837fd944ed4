#!/usr/bin/env bash
# Smoke test of scripts/bench-http (label integration): ~5 s of the mixed flow
# at 10 sales/s on a fresh consortium; the result JSON must show ok > 0 and no errors.
#   tests/tools/bench_smoke.sh BUILD_DIR
set -euo pipefail
build_dir="$1"
out="$(mktemp "${TMPDIR:-/tmp}/fapiao-bench-smoke.XXXXXX.json")"
trap 'rm -f "$out"' EXIT
"$(dirname "$0")/../../scripts/bench-http" --build-dir "$build_dir" --no-build \
  --flow mixed --rate 10 --duration 5 --vendors 2 --out "$out"
jq -e '.ok > 0 and .errors == 0 and .requests.issue.count > 0 and .requests.read_invoice.count > 0' "$out" >/dev/null \
  || { echo "bench_smoke: unexpected result:" >&2; cat "$out" >&2; exit 1; }
echo "bench_smoke: $(jq -c '{ok, errors, throughput_per_s, p99_ms: .latency.p99_ms}' "$out")"
