#!/usr/bin/env python3
"""Rebuilds data/names/generator-names.json: the names `piiguard generate` plants in its events.

Source: the person providers of PyPI `Faker` (MIT licence), a different source from the detector's
lists (US Census + npm faker-js, see SOURCES.md), so generated accuracy is not measured on the lists'
own names. Usage: pip download --no-deps Faker; unzip the wheel into DIR; run with DIR.
Keeps up to 60 first and 60 last names per locale (sorted, then every k-th: deterministic).
Run by hand; the output is committed.
"""
import importlib, json, os, sys, unicodedata

SRC = sys.argv[1] if len(sys.argv) > 1 else "/tmp/fk"
sys.path.insert(0, SRC)
LATIN = ["en_US", "en_GB", "en_IN", "en_NG", "es_MX", "es_ES", "fr_FR", "de_DE", "it_IT", "pt_BR",
         "nl_NL", "pl_PL", "tr_TR", "vi_VN", "fil_PH", "sw", "ga_IE", "yo_NG", "ig_NG", "fi_FI", "cs_CZ"]
OTHER = ["ru_RU", "el_GR", "ja_JP", "ko_KR", "zh_CN", "ar_SA", "hi_IN", "he_IL"]

def names(mod, attr_first, attr_last):
    p = mod.Provider
    def get(attrs):
        out = set()
        for a in attrs:
            v = getattr(p, a, None)
            if isinstance(v, dict):
                v = list(v.keys())
            for n in v or []:
                n = unicodedata.normalize("NFC", str(n)).strip()
                if n and all(c.isalpha() or c in "'-’ " for c in n) and len(n) >= 2:
                    out.add(n)
        return sorted(out)
    return get(attr_first), get(attr_last)

out = {}
for loc in LATIN + OTHER:
    try:
        mod = importlib.import_module(f"faker.providers.person.{loc}")
    except ModuleNotFoundError:
        continue
    first, last = names(mod, ["first_names", "first_names_male", "first_names_female"], ["last_names"])
    if not first or not last:
        continue
    def sample(xs, k=60):
        step = max(1, len(xs) // k)
        return xs[::step][:k]
    out[loc] = {"script": "latin" if loc in LATIN else "other", "first": sample(first), "last": sample(last)}
path = os.path.join(os.path.dirname(__file__), "..", "data", "names", "generator-names.json")
with open(path, "w") as fh:
    json.dump(out, fh, ensure_ascii=False, indent=0, sort_keys=True)
print(len(out), "locales,", sum(len(v["first"]) + len(v["last"]) for v in out.values()), "names")
