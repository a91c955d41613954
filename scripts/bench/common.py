"""Shared CSV readers for the benchmark drivers (standard library only).

The files are the ones `assay irt simulate` and `assay irt calibrate` write:
true_items.csv (item,a,b,c), true_persons.csv (person,theta), responses.csv
(person,item,score, long format) and calibrated items (item,a,b,c,se_a,se_b,n,status).
"""
import csv
import math


def read_items(path):
    """Returns (ids, a, b) in file order; rows without parameters are skipped."""
    ids, a, b = [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["a"] == "" or row["b"] == "":
                continue
            ids.append(row["item"])
            a.append(float(row["a"]))
            b.append(float(row["b"]))
    return ids, a, b


def read_persons(path):
    """Returns (ids, thetas) in file order."""
    ids, thetas = [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            ids.append(row["person"])
            thetas.append(float(row["theta"]))
    return ids, thetas


def read_responses(path, person_index, item_index):
    """Yields (person_position, item_position, score) for every row of a long response file."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        p, i, s = header.index("person"), header.index("item"), header.index("score")
        for row in reader:
            yield person_index[row[p]], item_index[row[i]], int(row[s])


def correlation(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((u - mx) * (v - my) for u, v in zip(x, y))
    sxx = sum((u - mx) ** 2 for u in x)
    syy = sum((v - my) ** 2 for v in y)
    return sxy / math.sqrt(sxx * syy)


def rmse(x, y):
    return math.sqrt(sum((u - v) ** 2 for u, v in zip(x, y)) / len(x))
