"""``g287 moa show``: an MOA's fields, sections and departures from ICE's template, as one report."""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import asdict
from pathlib import Path

from g287.moa.extract import MoaText, extract_moa
from g287.moa.structure import MoaStructure, read_structure
from g287.moa.template import compare, derive_templates, match_key, template_for
from g287.parallel import process_pool


def extract_cached(path: Path, cache_dir: Path | None, name: str | None = None) -> MoaText:
    """``extract_moa`` with its result kept under ``cache_dir`` by the PDF's SHA-256 (OCR takes seconds a page).
    ``name`` is the MOA's file name when ``path`` is not (an archived object)."""
    data = Path(path).read_bytes()
    name = name or Path(path).name
    if cache_dir is None:
        return extract_moa(data, name)
    cached = Path(cache_dir) / "moa" / f"{hashlib.sha256(data).hexdigest()}.pickle"
    if cached.exists():
        try:
            moa = pickle.loads(cached.read_bytes())
            moa.name = name
            return moa
        except (pickle.UnpicklingError, EOFError, AttributeError):
            pass  # a damaged cache entry: extract again
    moa = extract_moa(data, name)
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(pickle.dumps(moa))
    tmp.replace(cached)
    return moa


def read_texts(paths: list[Path], cache_dir: Path | None, workers: int = 2,
               names: list[str] | None = None) -> list[MoaText]:
    """The text of every MOA PDF in ``paths`` (in parallel: a scanned MOA is OCR'd page by page)."""
    names = names or [Path(p).name for p in paths]
    if workers <= 1 or len(paths) < 2:
        return [extract_cached(p, cache_dir, n) for p, n in zip(paths, names)]
    with process_pool(workers) as pool:
        return list(pool.map(extract_cached, paths, [cache_dir] * len(paths), names))


def read_corpus(paths: list[Path], cache_dir: Path | None, workers: int = 2,
                names: list[str] | None = None) -> list[MoaStructure]:
    """Structures of every MOA PDF in ``paths``."""
    return [read_structure(t) for t in read_texts(paths, cache_dir, workers, names)]


def analyse(target: MoaStructure, structures: list[MoaStructure]) -> dict:
    """``target`` against the template of its model and era derived from the other ``structures``: the
    comparison, and how many of its sections carry a title the other MOAs use."""
    others = [s for s in structures if s.name != target.name]
    model, signed_on = target.fields["model"].value, target.fields["signed_on"].value
    # The MOA joins the corpus only when no other MOA has its model (then it is its own template).
    same_model = any(s.fields["model"].value == model for s in others)
    template = template_for(derive_templates(others if same_model else [target, *others]), model, signed_on)
    # A section is identified when its title is one the other MOAs of the corpus use (whatever their model).
    vocabulary = sorted({s.key for other in others for s in other.sections})
    sections = [s for s in target.sections if s.key != "PREAMBLE"]
    return {"comparison": compare(target, template) if template else None,
            "sections_identified": sum(1 for s in sections if match_key(s.key, vocabulary)),
            "sections_found": len(sections)}


def moa_report(path: Path, corpus: list[Path], cache_dir: Path | None = None) -> dict:
    """Everything ``g287 moa show`` prints: extraction methods, fields with page and line, sections, the
    template compared with and the differences. Templates come from ``corpus`` without the MOA itself when
    it is one of them (an MOA is never its own template unless it is the only one of its model)."""
    texts = read_texts(sorted({Path(p).resolve() for p in [*corpus, path]}), cache_dir)
    structures = [read_structure(t) for t in texts]
    moa = next(t for t in texts if t.name == Path(path).name)
    target = next(s for s in structures if s.name == moa.name)
    return {"file": target.name, "pages": len(moa.pages), "methods": moa.methods,
            "fields": {k: asdict(v) for k, v in target.fields.items()},
            "sections": [{"section": s.key, "page": s.page, "line": s.line, "words": len(s.text.split())}
                         for s in target.sections],
            **analyse(target, structures)}
