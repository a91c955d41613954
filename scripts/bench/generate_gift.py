#!/usr/bin/env python3
"""Writes a Moodle GIFT file of about SIZE bytes for the import-gift benchmark.

usage: generate_gift.py SIZE_IN_BYTES OUT.gift [SOURCE.gift]

With SOURCE (the shipped banks exported with `assay bank export-gift`: real questions of about
1 KB, with explanations, units, matching and essays), the source is repeated under a new
$CATEGORY each time, every title made unique per copy. Without it, short synthetic questions
(about 110 bytes) cycle through every kind the importer reads (single choice with feedback,
weighted multiple response, true/false, short answer, numeric with tolerance and ranges,
matching, missing word, essay, [html]), with a $CATEGORY every 50 questions: the worst case for
per-question costs. Deterministic.
"""
import re
import sys

TEMPLATES = [
    "::Q{n} choice:: Which drug class is first-line for condition {n}? {{=ACE inhibitors#Right: guideline therapy ~Beta blockers#Not first-line ~Diuretics ~%25%Calcium channel blockers}}",
    "::Q{n} multi:: Select every correct statement about case {n}. {{~%50%It is reversible ~%50%It is dose-dependent ~%-100%It is always fatal ~%-100%It needs surgery}}",
    "::Q{n} tf:: Statement {n} about renal physiology is true.{{T#Yes, it is.#No, it is true.}}",
    "::Q{n} short:: Name the enzyme number {n} of the cycle. {{=citrate synthase =%50%synthase* =citrate\\: synthase}}",
    "::Q{n} numeric:: What is {n} times 2.5, to one decimal? {{#{v}:0.1}}",
    "::Q{n} range:: Give a value between {n} and {m}. {{#{n}..{m}}}",
    "::Q{n} match:: Match each term of set {n}. {{=alpha -> first =beta -> second =gamma -> third = -> fourth}}",
    "::Q{n} missing:: The capital of region {n} is {{=Paris ~Lyon ~Nice}} in France.",
    "::Q{n} essay:: Discuss case {n} in at most 200 words.{{####Award a point for each of: cause, course, treatment.}}",
    "::Q{n} html::[html]<p>Which is <b>larger</b> in case {n}?</p><ul><li>one</li></ul>{{=a greater value ~a smaller value}}",
]


def synthetic(size, f):
    written = n = 0
    while written < size:
        if n % 50 == 0:
            chunk = f"// block {n // 50}\n$CATEGORY: $course$/Medicine/Topic {n // 50}\n\n"
            f.write(chunk)
            written += len(chunk.encode())
        chunk = TEMPLATES[n % len(TEMPLATES)].format(n=n, m=n + 10, v=n * 2.5) + "\n\n"
        f.write(chunk)
        written += len(chunk.encode())
        n += 1
    return written, n


def repeated(size, f, source):
    text = open(source, encoding="utf-8").read()
    per_copy = len(re.findall(r"^::", text, flags=re.M))
    written = copy = 0
    while written < size:
        copy += 1
        chunk = f"$CATEGORY: $course$/Copy {copy}\n\n" + re.sub(
            r"^::([^:]+)::", lambda m: f"::{m.group(1)}-c{copy}::", text, flags=re.M)
        f.write(chunk)
        written += len(chunk.encode())
    return written, per_copy * copy


def main():
    size, out = int(sys.argv[1]), sys.argv[2]
    with open(out, "w", encoding="utf-8") as f:
        written, questions = repeated(size, f, sys.argv[3]) if len(sys.argv) > 3 else synthetic(size, f)
    print(f"{out}: {written} bytes, {questions} questions", file=sys.stderr)


if __name__ == "__main__":
    main()
