# Sourced by scripts/bench-http and scripts/seed-tax: free_port_slot sets p2p and
# api to a slot of 20 ports in 19000-19999 (below tests/node/cluster.h's 20000-31999
# and Linux's ephemeral range) with no listener on any of the 4 nodes' ports,
# starting from the caller's PID so parallel runs spread out. Returns 1 if none.
port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

free_port_slot() {
  local slot=$(( $$ % 50 )) ok i
  for _ in $(seq 1 50); do
    p2p=$(( 19000 + slot * 20 )); api=$(( p2p + 10 ))
    ok=yes
    for i in 0 1 2 3; do port_free $((p2p + i)) && port_free $((api + i)) || ok=""; done
    [ -n "$ok" ] && return 0
    slot=$(( (slot + 1) % 50 ))
  done
  return 1
}
