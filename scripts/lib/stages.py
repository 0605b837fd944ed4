#!/usr/bin/env python3
"""Per-stage CPU budget from a whole-machine perf profile (docs/benchmarks.md).

  perf script --no-inline -F comm,pid,tid,period,ip,sym,dso -i perf.data |
    scripts/lib/stages.py --hz 99 --transactions N --seconds S [--markdown]

Each sample (one 1/HZ s tick of one CPU) goes to the first stage below whose
pattern matches a frame of its call stack (DWARF-unwound, so a system call is
charged to the code that made it). Prints, per stage and part: samples, share
of all busy CPU, and CPU microseconds per committed transaction (N committed
transactions in the S seconds profiled; every node executes each one).
"""
import argparse
import json
import re
import sys
from collections import Counter

# (stage, part, pattern over the stack's frames), in priority order: the first
# match wins, so the more specific owner (a store write inside execution) comes first.
RULES = [
    ("storage", "block append: RocksDB write batch + fsync", r"RocksStore::(Impl::)?(Append|Write|Commit)"),
    ("storage", "state reads: RocksDB gets and seeks", r"RocksStore|rocksdb::"),
    ("consensus", "WAL append + fdatasync", r"consensus::(Wal|FileWal)"),
    ("consensus", "sign own votes", r"consensus::.*SignIfOwn"),
    ("consensus", "verify peers' votes", r"consensus::Decode.*|consensus::.*Get(Vote|Checkpoint)"),
    ("verification", "member batches: signatures, parse, hash", r"Mempool::|AdmitProposal"),
    ("verification", "other signature checks", r"EvpVerifier::Verify"),
    ("batching/signing", "own member batches", r"Batcher::"),
    ("execution", "contracts", r"contracts::"),
    # Answers are composed when their block executes, on the executor's thread: HTTP work.
    ("HTTP", "API: connections, parse, route, JSON, submit, answer", r"fapiao::api::|boost::beast::|NodeSubmitter|merchant_ports"),
    ("execution", "executor: receipts, write sets, bookkeeping", r"node::Executor::"),
    ("consensus", "protocol core and driver", r"consensus::"),
    ("consensus", "peer links: TLS, frames", r"transport::|Node::Impl::OnFrame"),
]
COMPILED = [(s, p, re.compile(rx)) for s, p, rx in RULES]
STAGE_ORDER = ["HTTP", "batching/signing", "verification", "consensus", "execution", "storage",
               "other node work", "load generator", "other processes"]


def classify(comm, frames):
    if comm == "fapiao-bench":
        return ("load generator", "fapiao-bench (HTTP client)")
    if comm != "fapiaod":
        return ("other processes", "kernel threads and other processes")
    for stage, part, rx in COMPILED:
        if any(rx.search(f) for f in frames):
            return (stage, part)
    if all("[kernel.kallsyms]" in f for f in frames):
        return ("other node work", "kernel without a user stack (interrupts, softirq)")
    return ("other node work", "allocation, threads, unattributed")


def samples(stream):
    comm, frames = None, []
    for line in stream:
        if not line.strip():
            if comm is not None:
                yield comm, frames
            comm, frames = None, []
        elif not line[0].isspace():
            if comm is not None:
                yield comm, frames
            # "comm pid/tid period": comm may hold spaces; the last two fields do not.
            comm, frames = line.rsplit(None, 2)[0], []
        else:
            frames.append(line.strip())
    if comm is not None:
        yield comm, frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hz", type=float, required=True, help="perf record -F")
    ap.add_argument("--transactions", type=float, required=True,
                    help="transactions committed while profiling")
    ap.add_argument("--seconds", type=float, required=True, help="seconds profiled")
    ap.add_argument("--cpus", type=int, default=0, help="CPUs of the machine (for idle)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", help="also write the figures here (scripts/lib/sweep_table.py)")
    a = ap.parse_args()

    counts = Counter()
    idle = 0
    for comm, frames in samples(sys.stdin):
        if comm == "swapper":
            idle += 1
            continue
        counts[classify(comm, frames)] += 1
    busy = sum(counts.values())
    if busy == 0 or a.transactions <= 0:
        print("stages: no samples or no transactions", file=sys.stderr)
        return 1
    us_per_sample = 1e6 / a.hz

    def us(n):
        return n * us_per_sample / a.transactions

    rows = []
    for stage in STAGE_ORDER:
        parts = sorted(((p, n) for (s, p), n in counts.items() if s == stage), key=lambda x: -x[1])
        if not parts:
            continue
        total = sum(n for _, n in parts)
        rows.append((stage, "**all**", total))
        rows += [("", p, n) for p, n in parts]
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"transactions": a.transactions, "seconds": a.seconds, "hz": a.hz,
                       "busy_samples": busy, "idle_samples": idle, "cpus": a.cpus,
                       "us_per_transaction": us(busy),
                       "parts": [{"stage": s, "part": p, "samples": n, "us": us(n)}
                                 for (s, p), n in counts.items()]}, f, indent=1)
    tps = a.transactions / a.seconds
    head = (f"{a.transactions:.0f} transactions committed in {a.seconds:.1f} s ({tps:,.0f}/s); "
            f"{busy} busy samples at {a.hz:g} Hz = {busy / a.hz:.1f} CPU-seconds, "
            f"{us(busy):.0f} µs of CPU per transaction")
    if a.cpus:
        head += f"; the {a.cpus} CPUs were {100 * busy / (a.hz * a.seconds * a.cpus):.0f}% busy"
    if a.markdown:
        print(head)
        print()
        print("| stage | part | share of busy CPU | CPU µs per transaction |")
        print("|---|---|---|---|")
        for stage, part, n in rows:
            bold = part == "**all**"
            share = f"{100 * n / busy:.1f}%"
            cost = f"{us(n):.1f}"
            if bold:
                share, cost = f"**{share}**", f"**{cost}**"
            print(f"| {stage} | {part} | {share} | {cost} |")
        print(f"| **total** | | 100% | **{us(busy):.0f}** |")
    else:
        print(head)
        for stage, part, n in rows:
            label = stage if part == "**all**" else "  " + part
            print(f"{label:<58} {100 * n / busy:5.1f}%  {us(n):7.1f} µs/tx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
