#!/usr/bin/env python3
"""Which tasks held the cores during each timed run of an alternating benchmark.

Usage:
  FEATUREKIT_BENCH_TRACE=1 perf record -k CLOCK_MONOTONIC -e sched:sched_switch -a -o perf.data -- \
      .build/release/featurekit bench --peers --only ... 2> trace.txt
  perf script -i perf.data -F cpu,time,trace > switches.txt
  python3 Benchmarks/probes/sched_windows.py switches.txt trace.txt

For every `trace` line (RunTrace, CLOCK_MONOTONIC start/end) it prints the run's seconds and the
core-milliseconds each task name (comm) ran inside the run's window, summed over all cores
("idle" = swapper). perf's timestamps are CLOCK_MONOTONIC with `-k CLOCK_MONOTONIC`.

Caveat seen on this VM: the switch that first runs a new thread on an idle core is sometimes
missing from the stream (its exit, prev_state=X, is there), so such a run shows one core "idle"
that did work. A worker queued on its creator's core is unambiguous: featurekit -> featurekit
switches with prev_state=R inside the run.
"""
import re
import sys
from collections import defaultdict

switch = re.compile(r"\[(\d+)\]\s+([\d.]+):\s+prev_comm=(.*?) prev_pid=(\d+) .*?==> next_comm=(.*?) next_pid=(\d+)")


def intervals(path):
    """(start, end, comm) per core from the sched_switch stream."""
    current = {}  # cpu -> (since, comm)
    out = []
    for line in open(path, errors="replace"):
        m = switch.search(line)
        if not m:
            continue
        cpu, t, prev, _, nxt, npid = int(m[1]), float(m[2]), m[3], m[4], m[5], m[6]
        if cpu in current:
            since, comm = current[cpu]
            out.append((since, t, comm))
        else:
            out.append((t - 1e9, t, prev))  # before the first event: assume prev ran
        current[cpu] = (t, "idle" if npid == "0" else nxt)
    return out


def main():
    spans = intervals(sys.argv[1])
    spans.sort()
    for line in open(sys.argv[2], errors="replace"):
        if not line.startswith("trace "):
            continue
        parts = line.split()
        label, side = parts[1], parts[2]
        kv = dict(p.split("=", 1) for p in parts[3:] if "=" in p)
        start, end = float(kv["start"]), float(kv["end"])
        used = defaultdict(float)
        for s, e, comm in spans:
            if e <= start or s >= end:
                continue
            used[comm] += (min(e, end) - max(s, start)) * 1e3
        top = sorted(used.items(), key=lambda x: -x[1])
        text = " ".join(f"{c}={v:.1f}" for c, v in top if v >= 0.05)
        print(f"{label[:40]:40s} {side:4s} {float(kv['seconds'])*1e3:7.2f} ms waited={kv['waited']} runnable={kv['runnable']} nivcsw={kv['nivcsw']} | {text}")


if __name__ == "__main__":
    main()
