#!/usr/bin/env python3
"""Generate a realistic applications CSV for intake benchmarks and tests.

usage: generate_applications.py ROWS OUT.csv [--seed S] [--random-ids]

About 1% of rows are invalid (bad email, unknown country, unknown domain, years out of range,
impossible date) and about 5% are duplicates: 3% repeat an earlier application exactly (same
source and external id) and 2% are a new application from an already seen email. External ids
are sequential (A00000000, A00000001, …) as in most exports, or with --random-ids random
(UUID-like), the worst case for the unique index on them.
"""
import csv
import random
import sys

FIRST = ["Amélie", "José", "Zoë", "Łukasz", "Søren", "Ngozi", "Aarav", "Mei", "Olusegun", "Fatima", "Hiroshi", "Ana",
         "Jean-Luc", "Priya", "Mohammed", "Ingrid", "Carlos", "Yuki", "Chloé", "Dmitri", "Leila", "Tomás", "Sara", "Kwame"]
LAST = ["Dubois", "García", "Müller", "Kowalski", "O'Brien", "Nakamura", "Okafor", "Sharma", "Chen", "Haddad",
        "Rossi", "van der Berg", "Nguyen", "Silva", "Andersen", "Papadopoulos", "Smith, Jr.", "Ivanova", "Kim", "Mensah"]
COUNTRIES = ["FR", "US", "GB", "DE", "IN", "NG", "JP", "CN", "BR", "ES", "IT", "PL", "KE", "CA", "AU", "EG", "MX", "SE"]
LANGS = ["en", "fr", "de", "es", "pt", "zh", "ja", "hi", "ar", "pl", "it", "sw", "sv", "ru"]
DOMAINS = ["medicine", "law", "mathematics", "physics", "chemistry", "software-engineering", "finance", "french-english"]
DEGREES = ["none", "bachelor", "master", "phd", "md", "jd", "other"]
SOURCES = ["linkedin", "referral", "careers-page", "agency-eu", "agency-asia"]


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    rng = random.Random(seed)
    random_ids = "--random-ids" in sys.argv
    seen = []  # earlier valid rows, for duplicates
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["external_id", "full_name", "email", "country", "languages", "domains", "highest_degree",
                    "years_experience", "source", "applied_at", "resume_text"])
        for i in range(rows):
            r = rng.random()
            if seen and r < 0.03:
                w.writerow(rng.choice(seen))
                continue
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first.lower()}.{i}@example.org".encode("ascii", "ignore").decode()
            email = "".join(c for c in email if c.isalnum() or c in ".@-")
            if seen and r < 0.05:
                email = rng.choice(seen)[2]
            row = [f"{rng.getrandbits(128):032x}" if random_ids else f"A{i:08d}", f"{first} {last}", email, rng.choice(COUNTRIES),
                   ";".join(rng.sample(LANGS, rng.randint(1, 3))), ";".join(rng.sample(DOMAINS, rng.randint(1, 2))),
                   rng.choice(DEGREES), str(rng.randint(0, 40)), rng.choice(SOURCES),
                   f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
                   "" if rng.random() < 0.5 else f"{rng.randint(2, 30)} years in practice, board certified; publications, teaching."]
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


if __name__ == "__main__":
    main()
