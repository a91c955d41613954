"""Prints the Psychometrics benchmark table (Markdown) from the results bench-irt.sh wrote.

usage: report.py RESULTS_DIR REFERENCE_OK(0|1)
"""
import json
import os
import re
import sys

results, reference_ok = sys.argv[1], sys.argv[2] == "1"


def load(name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def text(name):
    path = os.path.join(results, name)
    return open(path).read().strip() if os.path.exists(path) else ""


def error(name):
    last = [l for l in text(name + ".err").splitlines() if l.strip()]
    return last[-1] if last else "not run (girth/catsim could not be installed: see venv.log)"


def fmt(v, digits=3):
    return "—" if v is None else f"{v:.{digits}f}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def assay_fit_seconds(name):
    match = re.search(r"fit ([0-9.]+) s", text(name + ".assay.log"))
    return float(match.group(1)) if match else None


out = []
targets = []
versions = text("versions.txt").replace("\n", ", ")
out.append(f"Reference implementations: {versions if versions else 'not installed'}")
out.append("")

# 1. Parameter recovery.
out.append("### Parameter recovery, 2PL, 5,000 persons × 60 items")
out.append("")
out.append("| data | tool | r(a) | r(b) | RMSE(a) | RMSE(b) | fit time (s) | whole command (s) |")
out.append("|---|---|---|---|---|---|---|---|")
recovery = {}
for name, label in [("recovery-complete", "complete"), ("recovery-sparse", "50% sparse")]:
    a = load(name + ".assay.json")
    g = load(name + ".girth.json")
    fit = assay_fit_seconds(name)
    wall = float(text(name + ".assay.wall") or "nan")
    recovery[name] = (a, g, fit)
    out.append(f"| {label} | assay | {fmt(a['r_a'])} | {fmt(a['r_b'])} | {fmt(a['rmse_a'])} | {fmt(a['rmse_b'])} | {fmt(fit, 2)} | {fmt(wall, 2)} |")
    if g:
        out.append(f"| {label} | girth | {fmt(g['r_a'])} | {fmt(g['r_b'])} | {fmt(g['rmse_a'])} | {fmt(g['rmse_b'])} | {fmt(g['fit_s'], 2)} | (CSV read {fmt(g['read_s'], 2)}) |")
    else:
        out.append(f"| {label} | girth | failed: {error(name + '.girth')} | | | | | |")
    targets.append((f"recovery {label}: r(a) ≥ 0.95 and r(b) ≥ 0.98",
                    f"r(a) {a['r_a']:.3f}, r(b) {a['r_b']:.3f}", a["r_a"] >= 0.95 and a["r_b"] >= 0.98))
out.append("")
out.append("fit time: assay's EM alone (its `irt calibrate` summary line) and girth's `twopl_mml` call alone; "
           "whole command: assay's `irt calibrate` process including reading the CSV and writing the result.")
out.append("")

# 2. Adaptive vs fixed.
s = load("catsim-300.assay.json")["result"]
c = load("catsim-300.catsim.json")
out.append("### Adaptive vs fixed screens: 300-item 2PL bank, 2,000 candidates (RMSE of θ̂)")
out.append("")
out.append("| length | fixed form, assay EAP | adaptive, assay (EAP) | adaptive, catsim (MLE) |")
out.append("|---|---|---|---|")
for p in s["lengths"]:
    cat = fmt(c["rmse_by_length"][p["length"] - 1]) if c else "—"
    out.append(f"| {p['length']} | {fmt(p['fixedRMSE'])} | {fmt(p['adaptiveRMSE'])} | {cat} |")
fixed40 = s["lengths"][-1]["fixedRMSE"]
match = s.get("lengthMatchingFixedMaximum")
catsim_match = None
if c:
    catsim_match = next((i + 1 for i, v in enumerate(c["rmse_by_length"]) if v <= fixed40), None)
out.append("")
out.append(f"- Length at which adaptive reaches the 40-item fixed RMSE ({fixed40:.3f}): assay **{match if match else 'not within 40'}**"
           + (f", catsim {catsim_match if catsim_match else 'not within 40'}" if c else "") + ".")
out.append(f"- Mean length to SE < 0.3 (capped at 40): assay **{s['meanLengthToTarget']:.1f}** items "
           f"({100 * s['reachedTargetFraction']:.1f}% reached it; RMSE at stop {s['rmseAtTargetStop']:.3f}; SE = posterior SD)"
           + (f", catsim {c['mean_length_to_target']:.1f} ({100 * c['reached_fraction']:.1f}% reached it; SE = 1/√I(θ̂))" if c else "") + ".")
sel300 = s["meanSelectionMicroseconds"]
out.append(f"- Mean item selection on the 300-item bank: assay {sel300:.1f} µs"
           + (f", catsim {c['select_us']:.1f} µs ({c['select_us'] / sel300:.0f}× assay)" if c else "") + ".")
if not c:
    out.append(f"- catsim: {error('catsim-300.catsim')}")
out.append("")
targets.append(("adaptive reaches the 40-item fixed RMSE with ≤ 20 items", f"{match} items", match is not None and match <= 20))
targets.append(("mean length to SE < 0.3 ≤ 30 items", f"{s['meanLengthToTarget']:.1f} items", s["meanLengthToTarget"] <= 30))
if c:
    lower = all(p["adaptiveRMSE"] < c["rmse_by_length"][p["length"] - 1] for p in s["lengths"])
    at20 = next(p for p in s["lengths"] if p["length"] == 20)
    targets.append(("adaptive RMSE lower than catsim's at equal length (5…40)",
                    f"at 20 items {at20['adaptiveRMSE']:.3f} vs {c['rmse_by_length'][19]:.3f}", lower))

# 3. Speed.
out.append("### Speed")
out.append("")
out.append("| measurement | assay | reference | ratio (reference / assay) |")
out.append("|---|---|---|---|")
s5 = load("select-5000.assay.json")["result"]
c5 = load("select-5000.catsim.json")
sel5000 = s5["meanSelectionMicroseconds"]
out.append(f"| next-item selection, 5,000-item bank (µs, mean) | {sel5000:.1f} ({s5['selections']} selections) | "
           + (f"catsim {c5['select_us']:.1f} ({c5['selections']} selections) | {c5['select_us'] / sel5000:.0f}× |" if c5 else f"catsim: {error('select-5000.catsim')} | — |"))
if c:
    out.append(f"| next-item selection, 300-item bank (µs, mean) | {sel300:.1f} | catsim {c['select_us']:.1f} | {c['select_us'] / sel300:.0f}× |")
ca = load("speed-10000x100.assay.json")
cg = load("speed-10000x100.girth.json")
cfit = assay_fit_seconds("speed-10000x100")
cwall = float(text("speed-10000x100.assay.wall") or "nan")
out.append(f"| calibration 10,000 × 100, fit (s) | {cfit:.2f} | " + (f"girth {cg['fit_s']:.2f} | {cg['fit_s'] / cfit:.1f}× |" if cg else f"girth: {error('speed-10000x100.girth')} | — |"))
out.append(f"| calibration 10,000 × 100, whole command incl. CSV (s) | {cwall:.2f} | " + (f"girth fit + CSV read {cg['fit_s'] + cg['read_s']:.2f} | {(cg['fit_s'] + cg['read_s']) / cwall:.1f}× |" if cg else "— | — |"))
out.append(f"| recovery 10,000 × 100: r(a) / r(b) | {ca['r_a']:.3f} / {ca['r_b']:.3f} | " + (f"girth {cg['r_a']:.3f} / {cg['r_b']:.3f} | |" if cg else "— | |"))
for name in ["recovery-complete", "recovery-sparse"]:
    a, g, fit = recovery[name]
    if g:
        out.append(f"| calibration {'5,000 × 60 complete' if name.endswith('complete') else '5,000 × 60, 50% sparse'}, fit (s) | {fit:.2f} | girth {g['fit_s']:.2f} | {g['fit_s'] / fit:.1f}× |")
out.append("")
targets.append(("selection from a 5,000-item bank < 1 ms", f"{sel5000:.1f} µs", sel5000 < 1000))
if c5:
    targets.append(("selection ≥ 10× faster than catsim (5,000 items)", f"{c5['select_us'] / sel5000:.0f}×", c5["select_us"] / sel5000 >= 10))
if c:
    targets.append(("selection ≥ 10× faster than catsim (300 items)", f"{c['select_us'] / sel300:.0f}×", c["select_us"] / sel300 >= 10))
targets.append(("calibration 10,000 × 100 < 10 s (whole command)", f"{cwall:.2f} s", cwall < 10))
if cg:
    equal = ca["r_a"] >= cg["r_a"] - 0.005 and ca["r_b"] >= cg["r_b"] - 0.005
    targets.append(("calibration ≥ 5× faster than girth (fit, 10,000 × 100) with equal recovery (r within 0.005)",
                    f"{cg['fit_s'] / cfit:.1f}×; r(a) {ca['r_a']:.3f} vs {cg['r_a']:.3f}, r(b) {ca['r_b']:.3f} vs {cg['r_b']:.3f}",
                    cg["fit_s"] / cfit >= 5 and equal))

out.append("### Targets (issue 7)")
out.append("")
out.append("| target | measured | |")
out.append("|---|---|---|")
for label, measured, ok in targets:
    out.append(f"| {label} | {measured} | {verdict(ok)} |")
print("\n".join(out))
