"""Runs catsim's adaptive-test components on the same bank, abilities and answers as
`assay irt cat-sim` (written by `assay irt simulate` with the same seed).

usage: catsim_adaptive.py DIR [--max-length 40] [--target-se 0.3] [--randomesque 5]
                          [--persons N] [--seed S]  → one JSON line

catsim's own Simulator draws its answers from its own generator; to compare on exactly the
same answers this driver runs catsim's components in the same loop as catsim.Simulator
(initial theta 0, RandomesqueSelector(bin_size=k) over maximum information, catsim's default
NumericalSearchEstimator (maximum likelihood, Dodd's heuristic for all-right/all-wrong
patterns) after every answer), reading each answer from responses.csv. SE is catsim's
standard error of estimation 1/sqrt(I(theta_hat)) (catsim.irt.see), as catsim's
MinErrorStopper uses. select_us times selector.select() alone.
"""
import argparse
import json
import os
import time

import numpy
from catsim import irt
from catsim.estimation import NumericalSearchEstimator
from catsim.item_bank import ItemBank
from catsim.selection import RandomesqueSelector

from common import read_items, read_persons, read_responses

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("--max-length", type=int, default=40)
parser.add_argument("--target-se", type=float, default=0.3)
parser.add_argument("--randomesque", type=int, default=5)
parser.add_argument("--persons", type=int, default=0, help="use only the first N persons (0: all)")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

item_ids, a, b = read_items(os.path.join(args.folder, "true_items.csv"))
person_ids, thetas = read_persons(os.path.join(args.folder, "true_persons.csv"))
if args.persons:
    person_ids, thetas = person_ids[: args.persons], thetas[: args.persons]
item_index = {v: k for k, v in enumerate(item_ids)}
person_index = {v: k for k, v in enumerate(person_ids)}
answers = numpy.zeros((len(person_ids), len(item_ids)), dtype=bool)
full_index = {v: k for k, v in enumerate(read_persons(os.path.join(args.folder, "true_persons.csv"))[0])}
for p, i, s in read_responses(os.path.join(args.folder, "responses.csv"), full_index, item_index):
    if p < len(person_ids):
        answers[p, i] = s == 1

params = numpy.column_stack([a, b, numpy.zeros(len(a)), numpy.ones(len(a))])
bank = ItemBank(params)
selector = RandomesqueSelector(args.randomesque)
estimator = NumericalSearchEstimator()
rng = numpy.random.default_rng(args.seed)

L = args.max_length
squares = numpy.zeros(L)
stop_lengths, reached, selections, select_time = [], 0, 0, 0.0
run_started = time.perf_counter()
for p, truth in enumerate(thetas):
    administered, responses = [], []
    est = 0.0
    stop = None
    for step in range(1, L + 1):
        t0 = time.perf_counter()
        item = selector.select(item_bank=bank, administered_items=administered, est_theta=est, rng=rng)
        select_time += time.perf_counter() - t0
        selections += 1
        administered.append(int(item))
        responses.append(bool(answers[p, item]))
        est = estimator.estimate(item_bank=bank, administered_items=administered, response_vector=responses, est_theta=est)
        squares[step - 1] += (est - truth) ** 2
        if stop is None:
            se = irt.see(est, params[administered])
            if se <= args.target_se or step == L:
                stop = step
                reached += se <= args.target_se
    stop_lengths.append(stop)
run_s = time.perf_counter() - run_started

n = len(thetas)
rmse = numpy.sqrt(squares / n)
print(json.dumps({
    "bank_size": len(item_ids), "persons": n,
    "rmse_by_length": [float(v) for v in rmse],
    "mean_length_to_target": float(numpy.mean(stop_lengths)),
    "reached_fraction": reached / n,
    "select_us": 1e6 * select_time / selections,
    "selections": selections, "run_s": run_s,
}))
