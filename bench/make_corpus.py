"""Make a scale corpus: N trial records copied from the real ones in ../shared/data.

    python bench/make_corpus.py N [--out bench/out/corpus-N] [--seed 1] [--data ../shared/data]

Each record is a copy of a real ClinicalTrials.gov record (API v2 studies from
``data/ctgov-v2``, legacy ``<clinical_study>`` XML from ``data/ctgov-xml``), picked at
random (seeded), under a new NCT id ``NCT9xxxxxxx`` written everywhere the original id
was. Output::

    OUT/v2/page-00001.json ...     API v2 pages: {"studies": [...], "nextPageToken": ...},
                                   --page-size studies each (default 1000, the API's maximum)
    OUT/xml/0000/NCT9xxxxxxx.xml   one record per file, 1000 files per folder
    OUT/pages/0000/NCT9xxxxxxx.txt text exports of trial pages (copies of the five seeds,
                                   the only templates with MSC doses), 1000 per folder

Copies are made distinct beyond their ids: each free-text block (summaries,
descriptions of arms and interventions, eligibility criteria) starts with a short
sentence naming the copy in letters ("Copy bqd."), so the text caches of the extraction
see as many different texts as a real registry would give them (``--exact-copies``
turns that off). A seed page without an NCT id (its trial IRI is a hash of its content)
gets the copy's word at the end of its title line instead. The same N, seed and data give the same files, byte for byte.
Generated corpora go under ``bench/out/`` (git-ignored) or /tmp, never into the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("KG_TEST_DATA", ROOT.parent / "shared" / "data"))
XML_ID_RE = re.compile(rb"<nct_id>\s*(NCT\d{8})\s*</nct_id>")
# Where a v2 study (compact JSON) and an XML record start their free-text blocks.
V2_TEXT_KEYS = ("briefSummary", "detailedDescription", "description", "eligibilityCriteria")
XML_TEXT_TAGS = (b"<textblock>", b"<description>")


@dataclass(frozen=True, slots=True)
class Template:
    fmt: str  # "v2", "xml" or "page"
    nct: str
    text: str  # compact JSON of one study (v2) or the XML record (decoded as UTF-8)
    origin: str


def load_templates(data: Path, *, with_seeds: bool = True) -> list[Template]:
    """Every real v2 study and XML record under ``data`` with an NCT id, and the seed
    pages of ``data/../seeds``, in a stable order."""
    out: list[Template] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted((data / "ctgov-v2").glob("*.json")):
        if "expected" in path.name:  # the AACT table rows beside a page: not a record
            continue
        doc = json.loads(path.read_bytes())
        studies = doc if isinstance(doc, list) else doc.get("studies", [doc])
        for study in studies:
            nct = study.get("protocolSection", {}).get("identificationModule", {}).get("nctId")
            if not nct or ("v2", nct) in seen:
                continue
            seen.add(("v2", nct))
            text = json.dumps(study, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            out.append(Template("v2", nct, text, path.name))
    for path in sorted((data / "ctgov-xml").glob("*.xml")):
        raw = path.read_bytes()
        m = XML_ID_RE.search(raw)
        if m is None or ("xml", m.group(1).decode()) in seen:
            continue
        seen.add(("xml", m.group(1).decode()))
        out.append(Template("xml", m.group(1).decode(), raw.decode("utf-8"), path.name))
    for path in sorted((data.parent / "seeds").glob("*.txt")) if with_seeds else ():
        text = path.read_text(encoding="utf-8")
        out.append(Template("page", page_nct(path), text, path.name))
    if not out:
        raise SystemExit(f"no ClinicalTrials.gov records under {data}")
    return out


def page_nct(path: Path) -> str:
    """The page's own NCT id as the mapper reads it ("" if none): a page may also name
    related trials, whose ids a copy keeps."""
    from kg.model import Trial
    from kg.sources import map_bytes

    for trial in map_bytes(path.read_bytes(), source_file=path.name):
        if isinstance(trial, Trial) and trial.nct_id:
            return trial.nct_id
    return ""


def letters(n: int) -> str:
    """A distinct word for each number: 0 -> 'b', 1 -> 'c', ... (no digits: the
    extraction must not read it as a figure or an NCT id)."""
    alphabet = "bcdfghjklmnpqrstvwxz"
    word = ""
    n += 1
    while n:
        n, r = divmod(n - 1, len(alphabet))
        word = alphabet[r] + word
    return word


def copy_record(t: Template, new_nct: str, tag: str | None) -> str:
    if t.fmt == "page":
        if t.nct:
            return t.text.replace(t.nct, new_nct)
        first, _, rest = t.text.partition("\n")
        return f"{first} (copy {tag or letters(int(new_nct[3:]))})\n{rest}"
    text = t.text.replace(t.nct, new_nct)
    if tag is None:
        return text
    if t.fmt == "v2":
        for key in V2_TEXT_KEYS:
            text = text.replace(f'"{key}":"', f'"{key}":"Copy {tag}. ')
    else:
        for tag_open in XML_TEXT_TAGS:
            opener = tag_open.decode()
            text = re.sub(rf"{opener}\s*", f"{opener}Copy {tag}. ", text)
    return text


def make_corpus(
    n: int,
    out: Path,
    *,
    seed: int = 1,
    data: Path = DEFAULT_DATA,
    page_size: int = 1000,
    exact_copies: bool = False,
    with_seeds: bool = True,
    first_id: int = 90_000_000,
) -> dict[str, int]:
    """Write N records under ``out`` (replacing what was there); counts by format."""
    templates = load_templates(data, with_seeds=with_seeds)
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "v2").mkdir(parents=True)
    (out / "xml").mkdir(parents=True)
    (out / "pages").mkdir(parents=True)
    page: list[str] = []
    pages = 0
    xml_files = 0
    page_files = 0

    def flush_page(last: bool) -> None:
        nonlocal pages, page
        if not page:
            return
        pages += 1
        token = "" if last else f',"nextPageToken":"page-{pages + 1:05d}"'
        body = '{"studies":[' + ",".join(page) + "]" + token + "}"
        (out / "v2" / f"page-{pages:05d}.json").write_text(body, encoding="utf-8")
        page = []

    for i in range(n):
        t = templates[rng.randrange(len(templates))]
        nct = f"NCT{first_id + i:08d}"
        record = copy_record(t, nct, None if exact_copies else letters(i))
        if t.fmt == "v2":
            page.append(record)
            if len(page) >= page_size:
                flush_page(last=False)
        elif t.fmt == "page":
            folder = out / "pages" / f"{page_files // 1000:04d}"
            if page_files % 1000 == 0:
                folder.mkdir()
            (folder / f"{nct}.txt").write_text(record, encoding="utf-8")
            page_files += 1
        else:
            folder = out / "xml" / f"{xml_files // 1000:04d}"
            if xml_files % 1000 == 0:
                folder.mkdir()
            (folder / f"{nct}.xml").write_text(record, encoding="utf-8")
            xml_files += 1
    flush_page(last=True)
    counts = {"records": n, "v2_pages": pages, "xml_files": xml_files, "page_files": page_files}
    (out / ".corpus.json").write_text(
        json.dumps({**counts, "seed": seed, "templates": len(templates)}) + "\n"
    )
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("--out", type=Path, help="output folder (default bench/out/corpus-N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--exact-copies", action="store_true", help="no per-copy text tag")
    parser.add_argument("--no-seeds", action="store_true", help="no copies of the seed pages")
    args = parser.parse_args()
    out = args.out or ROOT / "bench" / "out" / f"corpus-{args.n}"
    t0 = time.perf_counter()
    counts = make_corpus(
        args.n,
        out,
        seed=args.seed,
        data=args.data,
        page_size=args.page_size,
        exact_copies=args.exact_copies,
        with_seeds=not args.no_seeds,
    )
    print(
        f"{out}: {counts['records']} records ({counts['v2_pages']} v2 pages, "
        f"{counts['xml_files']} XML files, {counts['page_files']} text pages) in {time.perf_counter() - t0:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
