"""Summarizes one pgbench run of scripts/bench-door.sh: latency p50/p99/mean from the
per-transaction logs (-l) on stdin, transactions per second from pgbench's output file.

usage: cat pgbench_log.* | door_pgbench.py PGBENCH_OUTPUT SCRIPT CLIENTS
"""

import statistics
import sys

output, script, clients = sys.argv[1:4]
latencies = sorted(int(line.split()[2]) / 1000 for line in sys.stdin if line.strip())


def percentile(q):
    return latencies[min(len(latencies) - 1, round(q * (len(latencies) - 1)))]


tps = "?"
with open(output) as file:
    for line in file:
        if line.startswith("tps"):
            tps = line.split()[2]
            break
print(f"pgbench {script:8s} clients {clients:>3s}: p50 {percentile(0.5):6.2f} ms  p99 {percentile(0.99):7.2f} ms  "
      f"mean {statistics.fmean(latencies):6.2f} ms  {tps} tps  ({len(latencies)} transactions)")
