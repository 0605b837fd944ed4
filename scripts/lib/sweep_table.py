#!/usr/bin/env python3
"""The standard sweep's results table (called by scripts/bench).

  sweep_table.py OUT_DIR SUITES FLOWS FRACTIONS CONCURRENCY DURATION RUNS

Reads OUT_DIR/machine.txt, every point's rN-<suite>-<flow>-<mode>.json (fapiao-bench
--out) and, when profiled, rN-<suite>-<flow>-closed-profile/stages.json
(scripts/lib/stages.py); writes OUT_DIR/results.md with each point's median over the
runs, and each profiled flow's CPU per transaction by stage next to the machine's
ceilings. Exit 1 if a point that ran produced no result.
"""
import json
import os
import statistics
import sys

# Committed transactions per sale of each flow (an unclaimed sale of `issue` is one).
TX_PER_SALE = {"attest": 1, "issue": 3, "mixed": 3}
STAGES = ["HTTP", "batching/signing", "verification", "consensus", "execution", "storage",
          "other node work", "load generator", "other processes"]


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


def fmt(x, digits=1):
    return f"{x:,.{digits}f}"


def median_cell(values, digits=1):
    """'median (a / b / c)' over the runs that have a value."""
    if not values:
        return "no result"
    if len(values) == 1:
        return fmt(values[0], digits)
    return f"**{fmt(statistics.median(values), digits)}** (" + " / ".join(
        fmt(v, digits) for v in values) + ")"


def main():
    out_dir, suites, flows, fractions, concurrency, duration, runs = sys.argv[1:8]
    runs = int(runs)
    machine = dict(line.rstrip("\n").split(": ", 1)
                   for line in open(os.path.join(out_dir, "machine.txt")))
    lines = [
        "# fapiao standard sweep",
        "",
        f"- command: `{machine['command'].strip()}`",
        f"- date: {machine['date']}, commit {machine['commit']}",
        f"- machine: nproc {machine['nproc']}, {machine['cpu']}",
        f"- ceilings measured in the same run ({machine['openssl']} speed, one core): Ed25519 "
        f"sign {machine['ed25519_sign_per_s']}/s, verify {machine['ed25519_verify_per_s']}/s; SM2 "
        f"sign {machine['sm2_sign_per_s']}/s, verify {machine['sm2_verify_per_s']}/s; store "
        f"(fapiao-ledger-bench, fsync on, 1,000-transaction blocks) {machine['store_tx_per_s']} "
        "transactions/s",
        f"- each point: a fresh local 4-node consortium (scripts/bench-http), {duration} s of load;"
        " closed loop at concurrency C gives the saturation throughput, open loop at a fraction of"
        " it gives latency at that rate",
        "- a sale: `attest` = one payment attestation (1 transaction); `issue` = the attestation,"
        " then the buyer's claim: RequestInvoice and IssueInvoice (3 transactions); latencies are"
        " per sale",
        f"- {runs} run(s) of the whole sweep: each cell is the median, then every run's figure",
        "",
        "| suite | flow | mode | target rate | sales/s | transactions/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    missing = 0
    for suite in suites.split():
        for flow in flows.split():
            names = [("closed", f"C={concurrency}", "closed")]
            names += [("open", f"{f}%", f"open-{f}") for f in fractions.split()]
            for mode, what, tail in names:
                results = []
                for run in range(1, runs + 1):
                    name = f"r{run}-{suite}-{flow}-{tail}"
                    r = load(os.path.join(out_dir, name + ".json"))
                    if r is None:
                        missing += os.path.exists(os.path.join(out_dir, name + ".log"))
                    else:
                        results.append(r)
                if not results:
                    lines.append(f"| {suite} | {flow} | {mode} | {what} | no result | | | | |")
                    continue
                sales = [r["throughput_per_s"] for r in results]
                txs = [s * TX_PER_SALE.get(flow, 1) for s in sales]
                target = what if mode == "closed" else (
                    median_cell([r["rate"] for r in results], 0) + f"/s ({what})")
                errors = sum(r["errors"] for r in results)
                codes = {}
                for r in results:
                    for c, n in r["errors_by_code"].items():
                        codes[c] = codes.get(c, 0) + n
                err = str(errors) if not errors else f"{errors} (" + ", ".join(
                    f"{c}: {n}" for c, n in sorted(codes.items(), key=lambda kv: -kv[1])[:3]) + ")"
                lines.append("| " + " | ".join([
                    suite, flow, mode, target, median_cell(sales), median_cell(txs, 0),
                    median_cell([r["latency"]["p50_ms"] for r in results]),
                    median_cell([r["latency"]["p99_ms"] for r in results]), err]) + " |")

    def per_op_us(key):
        try:
            return 1e6 / float(machine[key])
        except (KeyError, ValueError, ZeroDivisionError):
            return None

    ceilings = []
    for label, key in [("Ed25519 verify", "ed25519_verify_per_s"),
                       ("Ed25519 sign", "ed25519_sign_per_s"), ("SM2 verify", "sm2_verify_per_s"),
                       ("SM2 sign", "sm2_sign_per_s")]:
        v = per_op_us(key)
        if v is not None:
            ceilings.append(f"{label} {v:.0f} µs")
    store = per_op_us("store_tx_per_s")
    if store is not None:
        ceilings.append(f"a synced store append {store:.1f} µs per transaction per node "
                        f"({4 * store:.0f} µs for four nodes)")

    for suite in suites.split():
        for flow in flows.split():
            budgets = [load(os.path.join(out_dir, f"r{run}-{suite}-{flow}-closed-profile",
                                         "stages.json")) for run in range(1, runs + 1)]
            budgets = [b for b in budgets if b]
            if not budgets:
                continue
            tps = [b["transactions"] / b["seconds"] for b in budgets]
            total = [b["us_per_transaction"] for b in budgets]
            lines += [
                "",
                f"## CPU per committed transaction by stage: {suite}, {flow}, closed loop",
                "",
                f"perf over the middle of each run's closed-loop point (all processes on the "
                f"machine, 99 Hz, DWARF call graphs; scripts/lib/stages.py), divided by the "
                f"transactions node 0 committed meanwhile: {median_cell(tps, 0)} transactions/s,"
                f" **{statistics.median(total):.0f} µs** of CPU per transaction (runs: "
                + " / ".join(f"{t:.0f}" for t in total) + "). Every node verifies, orders, "
                "executes and stores each transaction, so node stages are the sum over four "
                "nodes.",
                "",
                "Ceilings from the same run, per operation on one core: " + "; ".join(ceilings)
                + ".",
                "",
                "| stage | part | µs per transaction (median) | share | runs |",
                "|---|---|---|---|---|",
            ]
            for stage in STAGES:
                parts = sorted({p["part"] for b in budgets for p in b["parts"]
                                if p["stage"] == stage})
                if not parts:
                    continue

                def us_of(b, match):
                    return sum(p["us"] for p in b["parts"] if match(p))

                stage_us = [us_of(b, lambda p: p["stage"] == stage) for b in budgets]
                med = statistics.median(stage_us)
                share = 100 * med / statistics.median(total)
                lines.append(f"| **{stage}** | | **{med:.1f}** | {share:.1f}% | "
                             + " / ".join(f"{v:.1f}" for v in stage_us) + " |")
                rows = []
                for part in parts:
                    vals = [us_of(b, lambda p: p["stage"] == stage and p["part"] == part)
                            for b in budgets]
                    rows.append((statistics.median(vals), part, vals))
                for med_p, part, vals in sorted(rows, key=lambda r: -r[0]):
                    lines.append(f"| | {part} | {med_p:.1f} | "
                                 f"{100 * med_p / statistics.median(total):.1f}% | "
                                 + " / ".join(f"{v:.1f}" for v in vals) + " |")
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[12:]))
    print(f"bench: wrote {os.path.join(out_dir, 'results.md')}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
