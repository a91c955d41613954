#!/usr/bin/env python3
"""Generate the second campaign's applications CSV for the intake benchmark: a file of ROWS rows
in which half the rows are people of FIRST.csv (already imported) applying again, for a domain
they have not applied for yet, and half are new people.

usage: generate_second_campaign.py FIRST.csv ROWS OUT.csv [--seed S]

Known people keep their name, country, degree and years; 90% give the languages of their first
application, 10% add one more (the import then updates their languages). Their new
applications have new external ids (B00000000, B00000001, … in order, as an ATS export of a
new campaign numbers them). As in the first file, about 1% of rows are invalid and about 5% are
duplicates within the file (3% repeat an earlier row exactly, 2% a new application of an
already seen email).
"""
import csv
import random
import sys

from generate_applications import COUNTRIES, DEGREES, DOMAINS, FIRST, LANGS, LAST, SOURCES


def main():
    first_path, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 11
    rng = random.Random(seed)
    # The first file's people: email -> (name, country, languages, domains, degree, years), first valid row.
    known = {}
    with open(first_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            email = row[2]
            if "@" not in email or " " in email or row[3] == "XX" or "astrology" in row[5] or row[7] == "99" or row[9] == "2026-02-30":
                continue
            if email not in known:
                known[email] = (row[1], row[3], row[4], row[5].split(";"), row[6], row[7])
    people = list(known.items())
    rng.shuffle(people)
    next_known = 0
    seen = []  # earlier valid rows of this file, for duplicates
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["external_id", "full_name", "email", "country", "languages", "domains", "highest_degree",
                    "years_experience", "source", "applied_at", "resume_text"])
        for i in range(rows):
            r = rng.random()
            if seen and r < 0.03:
                w.writerow(rng.choice(seen))
                continue
            applied = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
            resume = "" if rng.random() < 0.5 else f"{rng.randint(2, 30)} years in practice, board certified; publications, teaching."
            if seen and r < 0.05:
                # A new application of a person seen earlier in this file, for another domain.
                earlier = rng.choice(seen)
                domains = [d for d in DOMAINS if d not in earlier[5].split(";")]
                row = [f"B{i:08d}", earlier[1], earlier[2], earlier[3], earlier[4], rng.choice(domains), earlier[6], earlier[7],
                       rng.choice(SOURCES), applied, resume]
            elif rng.random() < 0.5 and next_known < len(people):
                email, (name, country, languages, domains, degree, years) = people[next_known]
                next_known += 1
                if rng.random() < 0.1:
                    extra = [l for l in LANGS if l not in languages.split(";")]
                    languages = languages + ";" + rng.choice(extra)
                new_domains = [d for d in DOMAINS if d not in domains]
                row = [f"B{i:08d}", name, email, country, languages, rng.choice(new_domains), degree, years, rng.choice(SOURCES), applied, resume]
            else:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                email = f"{first.lower()}.b{i}@example.org".encode("ascii", "ignore").decode()
                email = "".join(c for c in email if c.isalnum() or c in ".@-")
                row = [f"B{i:08d}", f"{first} {last}", email, rng.choice(COUNTRIES), ";".join(rng.sample(LANGS, rng.randint(1, 3))),
                       ";".join(rng.sample(DOMAINS, rng.randint(1, 2))), rng.choice(DEGREES), str(rng.randint(0, 40)), rng.choice(SOURCES),
                       applied, resume]
            if rng.random() < 0.01:
                k = rng.randint(0, 4)
                if k == 0: row[2] = row[2].replace("@", " at ")
                elif k == 1: row[3] = "XX"
                elif k == 2: row[5] = "astrology"
                elif k == 3: row[7] = "99"
                else: row[9] = "2026-02-30"
            else:
                if len(seen) < 200000:
                    seen.append(row)
                elif rng.random() < 0.1:
                    seen[rng.randrange(len(seen))] = row
            w.writerow(row)
    print(f"{next_known} rows of known people", file=sys.stderr)


if __name__ == "__main__":
    main()
