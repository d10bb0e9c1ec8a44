"""The store's MOA tables: each archived MOA's terms (``moa_terms``) and its departures from ICE's template
(``moa_differences``), linked to the agreements whose MOA link names the same file."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from urllib.parse import unquote

from g287.acquire.archive import write_atomically
from g287.errors import MoaError
from g287.moa.clauses import read_clauses
from g287.moa.report import analyse, extract_cached
from g287.moa.structure import MoaStructure, read_structure


def build_moa_tables(moa_publications: list[dict], object_path, agreements: list[dict],
                     cache_dir: Path | None) -> dict[str, list[dict]]:
    """``moa_publications`` (publications of kind ``moa``), ``object_path`` (sha256 -> archived file). Besides
    the tables, ``_moa_structures`` holds each MOA read, by SHA-256 (not stored)."""
    if not moa_publications:
        return {"moa_terms": [], "moa_differences": [], "moa_clauses": [], "_moa_structures": {}}
    # An MOA that cannot be read (a scan without Tesseract installed, a PDF that is no MOA) gets a row saying
    # why, and the build goes on: one bad PDF never stops the ledger.
    read, errors = [], {}
    for publication in moa_publications:
        name = publication["original_names"].split("|")[0]
        try:
            read.append((publication, read_structure(extract_cached(object_path(publication["sha256"]), cache_dir,
                                                                    name))))
        except MoaError as error:
            errors[publication["publication_id"]] = (name, str(error))
    by_file = agreements_by_moa_file([(a["agreement_id"], a["moa_url"]) for a in agreements])
    terms = [{"publication_id": publication_id, "file": name, "read_error": error}
             for publication_id, (name, error) in sorted(errors.items())]
    analysed = _analyse_corpus(read, cache_dir)
    terms += analysed["moa_terms"]
    for term in terms:
        term["agreement_ids"] = by_file.get(term["file"])
    differences, clauses = analysed["moa_differences"], analysed["moa_clauses"]
    # Every MOA read, by the SHA-256 of its PDF: what g287.moa.versions compares when ICE replaces a file.
    structures_by_sha = {p["sha256"]: (p["publication_id"], s) for p, s in read}
    return {"moa_terms": terms, "moa_differences": differences, "moa_clauses": clauses,
            "_moa_structures": structures_by_sha}


def agreements_by_moa_file(links: list[tuple[str, str | None]]) -> dict[str, str]:
    """The agreements whose MOA link names each file (``|``-joined, sorted), from (agreement id, MOA link) pairs.

    >>> agreements_by_moa_file([("b", "https://x/287g%20MOA.pdf"), ("a", "https://y/287g MOA.pdf"), ("c", None)])
    {'287g MOA.pdf': 'a|b'}
    """
    by_file: dict[str, list[str]] = {}
    for agreement_id, url in links:
        if url:
            by_file.setdefault(unquote(url.rsplit("/", 1)[-1]), []).append(agreement_id)
    return {name: "|".join(sorted(ids)) for name, ids in by_file.items()}


def _analyse_corpus(read: list[tuple[dict, MoaStructure]], cache_dir: Path | None) -> dict[str, list[dict]]:
    """Terms (without their agreements), departures from the template and clauses of every MOA read.

    Deriving the templates compares every pair of MOAs (seconds), and depends only on the MOAs and this
    code: the result is kept under ``cache_dir`` by a digest of both, so a build that adds a list but no MOA
    reuses it.
    """
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for publication, structure in read:
        digest.update(f"{publication['publication_id']}|{publication['sha256']}|{structure.name}\n".encode())
    cached = Path(cache_dir) / "moa" / f"analysis-{digest.hexdigest()[:16]}.pickle" if cache_dir else None
    if cached is not None and cached.exists():
        try:
            return pickle.loads(cached.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass  # a damaged cache entry: analyse again
    structures = [s for _, s in read]
    terms, differences, clauses = [], [], []
    for publication, structure in read:
        result = analyse(structure, structures)
        comparison = result["comparison"] or {"sections": [], "differences": [], "template": None}
        f = structure.fields
        similarities = [s["similarity"] for s in comparison["sections"]]
        terms.append({
            "publication_id": publication["publication_id"], "file": structure.name,
            "model": f["model"].value, "model_source": f["model"].source, "agency": f["agency"].value,
            "signed_on": f["signed_on"].value, "effective_on": f["effective_on"].value,
            "party_dates": "|".join(f["party_dates"].value) or None,
            "duration_termination": f["duration_termination"].value,
            "steering_committee": f["steering_committee"].value, "complaint_procedure": f["complaint_procedure"].value,
            "data_collection": f["data_collection"].value, "template": comparison["template"],
            "sections_found": result["sections_found"], "sections_identified": result["sections_identified"],
            "mean_similarity": round(sum(similarities) / len(similarities), 4) if similarities else None,
            "differences": len(comparison["differences"]), "read_error": None})
        differences += [{"publication_id": publication["publication_id"], "section": d["section"], "kind": d["kind"],
                         "template_text": d.get("template") or (d["text"] if "removed" in d["kind"] else None),
                         "moa_text": d.get("moa") or (d["text"] if "added" in d["kind"] else None),
                         "diff": d.get("diff")} for d in comparison["differences"]]
        clauses += [{"publication_id": publication["publication_id"], **c} for c in read_clauses(structure)]
    analysed = {"moa_terms": terms, "moa_differences": differences, "moa_clauses": clauses}
    if cached is not None:
        write_atomically(cached, pickle.dumps(analysed, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    return analysed
