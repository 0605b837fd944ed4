#!/usr/bin/env bash
# The buyer page end to end in headless chromium (ctest buyer_browser):
#   run.sh <fapiaod> <artifacts dir>
# Starts a fresh 4-member consortium (temp FAPIAO home, ports below 32768, demo payments
# on), registers a vendor through the API, decodes the stall QR, then buyer_e2e.mjs pays
# (demo) and claims the invoice at 360x640; the invoice QR must verify on another node.
# Exits 77 (skipped) only when chromium, node or playwright-core are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fapiaod="$1"
artifacts="$2"
chromium="${CHROMIUM:-/usr/bin/chromium}"

skip() { echo "SKIPPED: $* (scripts/setup installs it)"; exit 77; }
[ -x "$chromium" ] || skip "no chromium at $chromium"
command -v node >/dev/null || skip "no node"
[ -f "$here/node_modules/playwright-core/package.json" ] || skip "no playwright-core in $here/node_modules"
for tool in curl jq zbarimg; do command -v "$tool" >/dev/null || { echo "FAIL: $tool missing"; exit 1; }; done

mkdir -p "$artifacts"
rm -f "$artifacts"/*.png "$artifacts"/*.log
tmp="$(mktemp -d /tmp/fapiao-browser.XXXXXX)"
home="$tmp/consortium"
pids=()

cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ] && [ -d "$home" ]; then
    for log in "$home"/node*/logs/stdout.log; do
      [ -f "$log" ] && cp "$log" "$artifacts/$(basename "$(dirname "$(dirname "$log")")")-stdout.log"
    done
    echo "buyer_browser: failed; node logs copied to $artifacts"
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

# Ports as tests/node/cluster.h derives them (below 32768), from this script's PID.
p2p_base=$((20000 + ($$ % 600) * 20))
api_base=$((p2p_base + 10))
"$fapiaod" init --members 4 --dir "$home" --p2p-base-port "$p2p_base" --api-base-port "$api_base" >/dev/null
for i in 0 1 2 3; do
  sed -i 's/^sync = .*/sync = false\ndemo_payments = true/' "$home/node$i/node.toml"
done
op_key=$("$fapiaod" keys add --config "$home/node0/node.toml" --role market_operator --scope puer-simao --label e2e)
for i in 0 1 2 3; do
  "$fapiaod" run --config "$home/node$i/node.toml" >"$home/node$i/logs/stdout.log" 2>&1 &
  pids+=($!)
done
op="http://127.0.0.1:$api_base"
pay="http://127.0.0.1:$((api_base + 1))"
tax="http://127.0.0.1:$((api_base + 2))"

committed=""
for _ in $(seq 1 120); do
  if curl -sf -m 10 -X POST "$pay/v1/transactions" -H 'content-type: application/json' \
       -d '{"kind": 6, "payload_hex": "7374617274"}' >/dev/null 2>&1; then committed=yes; break; fi
  sleep 0.5
done
[ -n "$committed" ] || { echo "FAIL: the consortium committed nothing within 60 s"; exit 1; }
echo "buyer_browser: consortium up (api ports $api_base-$((api_base + 3)))"

curl -sf -X POST "$op/v1/vendors" -H "authorization: Bearer $op_key" -H 'content-type: application/json' \
  -d '{"vendor_id": "v-1", "name": "李阿姨蔬菜 Auntie Li greens", "market": "puer-simao", "stall": "A-12",
       "taxpayer_id": {"kind": "uscc", "value": "92530800MA6N0K3X27"}, "taxpayer_type": "small_scale",
       "defaults": [{"item_class": "vegetables", "treatment": {"treatment": "exempt", "policy_code": "VEG-RETAIL"}}]}' \
  >/dev/null || { echo "FAIL: registering the vendor"; exit 1; }

# The stall QR, as printed: served by any node, it opens the operator's page.
curl -sf -o "$artifacts/stall-qr.png" "$pay/v1/vendors/v-1/qr.png"
vendor_url=$(zbarimg -q --raw "$artifacts/stall-qr.png")
[ "$vendor_url" = "$op/buyer/vendors/v-1" ] || { echo "FAIL: stall QR says '$vendor_url'"; exit 1; }
headers=$(curl -sf -D - -o /dev/null "$vendor_url")
grep -qi "^content-security-policy: default-src 'self'" <<<"$headers" || { echo "FAIL: no CSP: $headers"; exit 1; }
grep -qi '^x-content-type-options: nosniff' <<<"$headers" || { echo "FAIL: no nosniff"; exit 1; }

node "$here/buyer_e2e.mjs" --chromium "$chromium" --url "$vendor_url" --artifacts "$artifacts" \
  >"$tmp/e2e.json"
number=$(jq -r .number "$tmp/e2e.json")
qr_text=$(zbarimg -q --raw "$artifacts/invoice-qr.png")
verdict=$(curl -sf -X POST "$tax/v1/verify" -H 'content-type: application/json' \
  -d "$(jq -n --arg qr "$qr_text" '{qr: $qr}')")
[ "$(jq -r .valid <<<"$verdict")" = true ] || { echo "FAIL: verify says $verdict"; exit 1; }
echo "buyer_browser: invoice $number issued in the browser; its QR verifies on the tax bureau's node"
echo "buyer_browser: screenshot $artifacts/buyer-invoice.png"
