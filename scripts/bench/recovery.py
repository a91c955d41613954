"""Parameter recovery of a calibration against the true items (standard library only).

usage: recovery.py TRUE_ITEMS.csv ESTIMATED_ITEMS.csv  → one JSON line
"""
import json
import sys

from common import correlation, read_items, rmse

true_ids, true_a, true_b = read_items(sys.argv[1])
est_ids, est_a, est_b = read_items(sys.argv[2])
truth = {i: (a, b) for i, a, b in zip(true_ids, true_a, true_b)}
pairs = [(truth[i], (a, b)) for i, a, b in zip(est_ids, est_a, est_b) if i in truth]
ta = [t[0] for t, _ in pairs]
tb = [t[1] for t, _ in pairs]
ea = [e[0] for _, e in pairs]
eb = [e[1] for _, e in pairs]
print(json.dumps({
    "items": len(true_ids), "estimated": len(pairs),
    "r_a": correlation(ta, ea), "r_b": correlation(tb, eb),
    "rmse_a": rmse(ta, ea), "rmse_b": rmse(tb, eb),
}))
