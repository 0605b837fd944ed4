#!/usr/bin/env python3
"""Throughput dips of a soak and what the nodes' stores were doing meanwhile.

  scripts/lib/dips.py --rate SALES_PER_S DIR   (DIR: a scripts/soak output directory)

A dip is a run of seconds in which fapiao-bench's per-second count of completed
sales (DIR/bench.log) fell under half the asked rate, runs less than 3 s apart
joined. The store jobs are the flushes and compactions each node's RocksDB logged
(DIR/rocksdb-nodeN.LOG, EVENT_LOG_v1 lines), placed on the load's clock with
DIR/start_epoch.txt. For each kind of job: the share of the dip seconds it
overlapped on at least one node, against the share of all seconds of the run (what
chance alone would give). Prints markdown.
"""
import argparse
import glob
import json
import os
import re
import sys

PROGRESS = re.compile(r"^\s*(\d+)s\s+ok/s\s+(\d+)", re.M)
JOB_CF = re.compile(r"\[([\w-]+)\] \[JOB (\d+)\]")


def per_second(bench_log):
    return {int(m.group(1)): int(m.group(2)) for m in PROGRESS.finditer(open(bench_log).read())}


def store_jobs(log_path, start_epoch):
    """(kind, cf, reason, start_s, end_s) per flush and compaction, in seconds of the load."""
    cf_of_job, open_jobs, jobs = {}, {}, []
    for line in open(log_path, errors="replace"):
        m = JOB_CF.search(line)
        if m:
            cf_of_job.setdefault(int(m.group(2)), m.group(1))
        i = line.find("EVENT_LOG_v1 ")
        if i < 0:
            continue
        try:
            ev = json.loads(line[i + len("EVENT_LOG_v1 "):])
        except ValueError:
            continue
        kind = ev.get("event", "")
        t = ev.get("time_micros", 0) / 1e6 - start_epoch
        job = ev.get("job")
        if kind in ("flush_started", "compaction_started"):
            reason = ev.get("flush_reason") or ev.get("compaction_reason") or ""
            open_jobs[job] = (kind.split("_")[0], reason, t)
        elif kind in ("flush_finished", "compaction_finished") and job in open_jobs:
            k, reason, t0 = open_jobs.pop(job)
            jobs.append((k, ev.get("cf_name") or cf_of_job.get(job, "?"), reason, t0, t))
    return jobs


def dips(counts, rate, gap=3):
    low = sorted(s for s, n in counts.items() if n < rate / 2 and s > 5)
    out = []
    for s in low:
        if out and s - out[-1][1] <= gap:
            out[-1][1] = s
        else:
            out.append([s, s])
    return [(a, b, min(counts[x] for x in range(a, b + 1) if x in counts)) for a, b in out]


def covered(seconds, jobs):
    return {s for s in seconds if any(j[3] - 1 <= s <= j[4] + 1 for j in jobs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, required=True)
    ap.add_argument("dir")
    a = ap.parse_args()
    counts = per_second(os.path.join(a.dir, "bench.log"))
    start_file = os.path.join(a.dir, "start_epoch.txt")
    logs = sorted(glob.glob(os.path.join(a.dir, "rocksdb-node*.LOG")))
    if not counts or not os.path.exists(start_file) or not logs:
        print("dips: no per-second counts, start time or store logs in " + a.dir, file=sys.stderr)
        return 1
    start = float(open(start_file).read().split()[0])
    jobs = {os.path.basename(p)[len("rocksdb-"):-len(".LOG")]: store_jobs(p, start) for p in logs}
    found = dips(counts, a.rate)
    all_s = [s for s in counts if s > 5]
    dip_s = [s for a_, b, _ in found for s in range(a_, b + 1)]
    print(f"### Dips: seconds under half the asked rate ({a.rate / 2:,.0f} sales/s)\n")
    print(f"{len(found)} dips, {len(dip_s)} of {len(all_s)} seconds.\n")
    if not found:
        return 0
    kinds = {}
    for node, js in jobs.items():
        for j in js:
            label = f"{j[0]} of {j[1]}" + (f" ({j[2]})" if j[0] == "flush" and j[2] else "")
            kinds.setdefault(label, []).append(j)
    print("| store job (any node) | jobs | share of dip seconds it overlapped | share of all seconds |")
    print("|---|---|---|---|")
    rows = []
    for label, js in kinds.items():
        rows.append((len(covered(dip_s, js)) / len(dip_s), len(covered(all_s, js)) / len(all_s),
                     label, len(js)))
    for d, base, label, n in sorted(rows, reverse=True):
        print(f"| {label} | {n} | {100 * d:.0f}% | {100 * base:.0f}% |")
    print("\n| dip (s into the run) | length s | lowest sales/s | store jobs running (node: kind of cf) |")
    print("|---|---|---|---|")
    for a_, b, lowest in found:
        running = []
        for node, js in jobs.items():
            for k, cf, reason, t0, t1 in js:
                if t0 - 1 <= b and t1 + 1 >= a_:
                    running.append(f"{node}: {k} of {cf} ({t1 - t0:.0f} s)")
        print(f"| {a_}-{b} | {b - a_ + 1} | {lowest:,} | {'; '.join(sorted(set(running))) or 'none'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
