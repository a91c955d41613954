"""Calibrates the same simulated responses with girth's 2PL MML (girth.twopl_mml).

usage: girth_calibrate.py DIR  (DIR holds responses.csv and true_items.csv from
`assay irt simulate`) → one JSON line with recovery and times. Missing responses are tagged
with girth's INVALID_RESPONSE, which its MML estimators skip. fit_s times the twopl_mml call
alone; read_s the CSV reading and array building.
"""
import csv
import json
import os
import sys
import time

import numpy
from girth import twopl_mml
from girth.utilities import INVALID_RESPONSE

from common import correlation, read_items, read_persons, rmse

folder = sys.argv[1]
started = time.perf_counter()
item_ids, true_a, true_b = read_items(os.path.join(folder, "true_items.csv"))
person_ids, _ = read_persons(os.path.join(folder, "true_persons.csv"))
item_index = {v: k for k, v in enumerate(item_ids)}
person_index = {v: k for k, v in enumerate(person_ids)}
data = numpy.full((len(item_ids), len(person_ids)), INVALID_RESPONSE, dtype=int)
with open(os.path.join(folder, "responses.csv"), newline="") as f:
    reader = csv.reader(f)
    next(reader)
    for person, item, score in reader:
        data[item_index[item], person_index[person]] = int(score)
read_s = time.perf_counter() - started

started = time.perf_counter()
result = twopl_mml(data)
fit_s = time.perf_counter() - started
a = [float(v) for v in numpy.ravel(result["Discrimination"])]
b = [float(v) for v in numpy.ravel(result["Difficulty"])]
print(json.dumps({
    "r_a": correlation(true_a, a), "r_b": correlation(true_b, b),
    "rmse_a": rmse(true_a, a), "rmse_b": rmse(true_b, b),
    "read_s": read_s, "fit_s": fit_s,
}))
