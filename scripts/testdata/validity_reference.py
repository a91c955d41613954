#!/usr/bin/env python3
"""Reference values for Assay's validity statistics, computed independently with NumPy/SciPy.

Writes Tests/PsychometricsTests/Fixtures/validity_reference.json (inputs and expected outputs);
PsychometricsTests/ValidityReferenceTests reads it. Rerun after changing a definition:

    python3 scripts/testdata/validity_reference.py

Independence: every weighted statistic is computed here on the *expanded* data, in which
observation i is repeated w_i times (the weights are whole task counts), with SciPy's ordinary
pearsonr / spearmanr / pointbiserialr and NumPy's mean / std / percentile. Assay computes them
directly from weights (weighted sums, weighted mid-ranks, bootstrap multiplicities). Only the
bootstrap's resampling stream is shared by definition: SplitMix64 (Vigna) seeded per interval,
index = floor(u * n / 2**64), n draws per replicate; it is reimplemented here from its spec.
"""
import json
import math
import os
import warnings

import numpy as np
from scipy import stats

warnings.simplefilter("ignore")  # constant resamples: SciPy warns and returns nan; we drop them

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def expand(columns, weights, index=None):
    """Repeat row i weights[i] times (rows taken in the order of index, if given)."""
    if index is None:
        index = np.arange(len(weights))
    repeats = np.asarray(weights, dtype=int)[index]
    return [np.repeat(np.asarray(c, dtype=float)[index], repeats) for c in columns]


def pearson(x, y, w, index=None):
    ex, ey = expand([x, y], w, index)
    if len(ex) < 2 or np.std(ex) == 0 or np.std(ey) == 0:
        return None
    return float(stats.pearsonr(ex, ey)[0])


def spearman(x, y, w, index=None):
    ex, ey = expand([x, y], w, index)
    if len(ex) < 2 or np.std(ex) == 0 or np.std(ey) == 0:
        return None
    return float(stats.spearmanr(ex, ey)[0])


def point_biserial(credit, y, w, index=None):
    ec, ey = expand([credit, y], w, index)
    if len(ec) < 2 or np.std(ec) == 0 or np.std(ey) == 0:
        return None
    return float(stats.pointbiserialr(ec, ey)[0])


def bootstrap(n, statistic, replicates, seed, level=0.95):
    rng = SplitMix64(seed)
    values = []
    for _ in range(replicates):
        index = np.array([(rng.next() * n) >> 64 for _ in range(n)])
        v = statistic(index)
        if v is not None and not math.isnan(v):
            values.append(v)
    if 2 * len(values) < replicates:
        return None
    tail = (1 - level) / 2 * 100
    lower, upper = np.percentile(values, [tail, 100 - tail])
    return {"lower": float(lower), "upper": float(upper), "replicates": len(values)}


def thorndike(r, restricted_sd, unrestricted_sd):
    u = unrestricted_sd / restricted_sd
    return r * u / math.sqrt(1 - r * r + r * r * u * u)


def fisher_interval(r, w, level=0.95, factor=1.0):
    """Fisher's z interval with the Kish effective sample size (SciPy's normal quantile)."""
    w = np.asarray(w, dtype=float)
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    half = stats.norm.ppf((1 + level) / 2) * math.sqrt(factor / (n_eff - 3))
    z = np.arctanh(r)
    return {"lower": float(np.tanh(z - half)), "upper": float(np.tanh(z + half)), "effective_size": float(n_eff)}


def item_flag(r, interval, sign):
    if r is None or interval is None:
        return "insufficient_data"
    ro = r * sign
    lo, hi = sorted([interval["lower"] * sign, interval["upper"] * sign])
    if hi <= 0:
        return "wrong_way"
    if lo <= 0 and ro < 0.10:
        return "no_signal"
    return None


def main():
    gen = np.random.default_rng(20261204)
    out = {"tolerance": 1e-9}

    # 1. Unweighted, with ties: SciPy directly.
    n = 25
    x = np.round(gen.uniform(40, 100, n) / 5) * 5
    y = np.round(0.5 + 0.004 * x + gen.normal(0, 0.08, n), 2)
    out["unweighted"] = {
        "x": x.tolist(), "y": y.tolist(),
        "pearson": float(stats.pearsonr(x, y)[0]),
        "spearman": float(stats.spearmanr(x, y)[0]),
    }

    # 2. Task-weighted pool members: percent scores (ties), theta, outcomes (ties), tasks.
    n = 40
    ability = gen.normal(0, 1, n)
    percent = np.clip(np.round((70 + 10 * ability + gen.normal(0, 6, n)) / 2.5) * 2.5, 60, 100)
    theta = np.round(ability + gen.normal(0, 0.3, n), 3)
    outcome = np.round(np.clip(0.80 + 0.05 * ability + gen.normal(0, 0.05, n), 0, 1), 2)
    tasks = gen.integers(1, 31, n)
    w = tasks.astype(float)
    members = {
        "percent": percent.tolist(), "theta": theta.tolist(), "outcome": outcome.tolist(),
        "tasks": tasks.tolist(),
        "pearson_percent": pearson(percent, outcome, w),
        "spearman_percent": spearman(percent, outcome, w),
        "pearson_theta": pearson(theta, outcome, w),
        "spearman_theta": spearman(theta, outcome, w),
        "weighted_mean_outcome": float(np.mean(expand([outcome], w)[0])),
        "weighted_sd_percent": float(np.std(expand([percent], w)[0])),
    }
    # Mid-ranks: average rank of the expanded data, minus 1/2, one per original observation.
    ranks = stats.rankdata(expand([percent], w)[0])
    starts = np.concatenate([[0], np.cumsum(tasks)[:-1]])
    members["mid_ranks_percent"] = [float(ranks[s] - 0.5) for s in starts]

    # 3. Bootstrap intervals (500 replicates, seed 42) for both coefficients.
    replicates, seed = 500, 42
    members["bootstrap"] = {"replicates": replicates, "seed": seed, "level": 0.95}
    members["pearson_percent_interval"] = bootstrap(n, lambda i: pearson(percent, outcome, w, i), replicates, seed)
    members["spearman_percent_interval"] = bootstrap(n, lambda i: spearman(percent, outcome, w, i), replicates, seed)

    # 4. Thorndike case II: applicants' unweighted SD vs the members' task-weighted SD.
    applicants = np.concatenate([percent, np.round(gen.uniform(10, 60, 160) / 2.5) * 2.5])
    restricted = members["weighted_sd_percent"]
    unrestricted = float(np.std(applicants))
    r = members["pearson_percent"]
    members["applicant_percent"] = applicants.tolist()
    members["unrestricted_sd_percent"] = unrestricted
    members["thorndike_pearson_percent"] = thorndike(r, restricted, unrestricted)
    iv = members["pearson_percent_interval"]
    members["thorndike_interval"] = {"lower": thorndike(iv["lower"], restricted, unrestricted),
                                     "upper": thorndike(iv["upper"], restricted, unrestricted)}
    out["thorndike_table"] = [
        {"r": rr, "restricted_sd": s, "unrestricted_sd": S, "corrected": thorndike(rr, s, S)}
        for rr, s, S in [(0.3, 8.0, 16.0), (-0.25, 5.0, 12.5), (0.0, 4.0, 9.0), (0.6, 10.0, 10.0), (0.95, 3.0, 15.0)]
    ]

    # 5. Items: who was shown each item and their credit; designed good, wrong-way, flat items.
    items = []
    z = (ability - ability.mean()) / ability.std()
    designs = [("good", 1.5), ("good", 1.0), ("weak", 0.2), ("flat", 0.0), ("wrong", -4.0), ("partial", 1.0), ("sparse", 1.0), ("constant", None)]
    for name, slope in designs:
        shown = np.sort(gen.choice(n, size=(6 if name == "sparse" else n if name == "wrong" else int(gen.integers(28, 41))), replace=False))
        if slope is None:
            credit = np.ones(len(shown))
        else:
            p = 1 / (1 + np.exp(-(slope * z[shown] + 0.3)))
            credit = (gen.uniform(size=len(shown)) < p).astype(float)
            if name == "partial":
                credit = np.round(credit * gen.choice([0.5, 1.0], len(shown)), 2)
        sub_y, sub_w = outcome[shown], w[shown]
        enough = len(shown) >= 10
        r_item = point_biserial(credit, sub_y, sub_w) if enough else None
        interval = bootstrap(len(shown), lambda i: point_biserial(credit, sub_y, sub_w, i), replicates, 7) if (enough and r_item is not None) else None
        items.append({
            "name": name, "members": shown.tolist(), "credit": credit.tolist(),
            "facility": float(np.mean(expand([credit], sub_w)[0])),
            "correlation": r_item, "interval": interval,
            "flag_higher": item_flag(r_item, interval, 1), "flag_lower": item_flag(r_item, interval, -1),
        })
    out["items"] = {"bootstrap": {"replicates": replicates, "seed": 7, "level": 0.95}, "minimum_responses": 10, "items": items}

    # 5b. The analytic intervals used from a member count on (here from 10, so that the small
    # fixture exercises them): Fisher's z with the Kish effective sample size, for every item and
    # for the members' Pearson r (factor 1) and Spearman rho (factor 1.06), at levels 0.95 and 0.9.
    analytic_items = []
    for item in items:
        r_item = item["correlation"]
        shown = np.asarray(item["members"], dtype=int)
        interval = fisher_interval(r_item, w[shown]) if r_item is not None else None
        analytic_items.append({"interval": interval, "flag_higher": item_flag(r_item, interval, 1),
                               "flag_lower": item_flag(r_item, interval, -1)})
    members_analytic = {
        "pearson_percent": fisher_interval(members["pearson_percent"], w),
        "spearman_percent": fisher_interval(members["spearman_percent"], w, factor=1.06),
        "pearson_percent_90": fisher_interval(members["pearson_percent"], w, level=0.9),
    }
    out["analytic"] = {"from": 10, "items": analytic_items, "members": members_analytic}

    # 6. Expectancy table: bands of 10 over 0..100, weighted mean outcome per band.
    bands = []
    for k in range(10):
        lo, hi = 10 * k, 10 * (k + 1)
        inside = (percent >= lo) & ((percent < hi) if k < 9 else (percent <= hi))
        mean = float(np.mean(expand([outcome[inside]], w[inside])[0])) if inside.any() else None
        bands.append({"lower": lo, "upper": hi, "members": int(inside.sum()), "tasks": float(w[inside].sum()), "mean_outcome": mean})
    out["expectancy"] = bands

    # 7. Pass marks at the current pool size.
    def pass_marks(pool_size, current_mark, sign, minimum):
        rows = []
        for mark in sorted(set(percent.tolist())):
            sel = percent >= mark
            appl = int((applicants >= mark).sum())
            mean = float(np.mean(expand([outcome[sel]], w[sel])[0]))
            rows.append({"mark": mark, "applicants": appl, "members": int(sel.sum()), "tasks": float(w[sel].sum()),
                         "expected_outcome": mean, "feasible": appl >= pool_size and int(sel.sum()) >= minimum})
        feasible = [row for row in rows if row["feasible"]]
        best = None
        for row in feasible:  # ascending: ties keep the lower mark
            if best is None or row["expected_outcome"] * sign > best["expected_outcome"] * sign:
                best = row
        sel = percent >= current_mark
        current = {"mark": current_mark, "applicants": int((applicants >= current_mark).sum()), "members": int(sel.sum()),
                   "expected_outcome": float(np.mean(expand([outcome[sel]], w[sel])[0]))}
        return {"pool_size": pool_size, "current_mark": current_mark, "minimum_members": minimum,
                "candidates": rows, "best_mark": None if best is None else best["mark"], "current": current}

    out["pass_marks"] = [pass_marks(30, 60.0, 1, 5), pass_marks(30, 60.0, -1, 5), pass_marks(41, 60.0, 1, 5), pass_marks(10, 70.0, 1, 10)]
    out["members"] = members

    path = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "PsychometricsTests", "Fixtures", "validity_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
