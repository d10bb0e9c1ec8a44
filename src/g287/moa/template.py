"""ICE's template for each model and era, derived from the MOAs themselves, and each MOA's departures from it.

**Template.** The MOAs of one model and era (2019-2020 or 2025 on) are compared section by section; for each
section the template is the version closest to all the others (the medoid: highest mean similarity), so a
clause most MOAs share is in it and one agency's addition is not. A model with one MOA in an era takes the
template of the model's other era.

**What counts as a difference.** Texts are compared after filling-in is masked: dates, numbers, the agency's
own name, and the place names ICE's form leaves blank (``X County``, ``City of X``, state names) become
placeholders. The section is split into sentences (clauses); a clause the MOA has and the template lacks is
*added*, the reverse *removed*, a clause present in both but worded differently *changed* (with a word-level
diff). A section present in only one of them is added or removed whole. Similarity per section is the share
of words the two masked texts have in common, in order (difflib's ratio).
"""

from __future__ import annotations

import difflib
import re

from g287.moa.structure import MoaStructure
from g287.parse.rows import STATE_CODES

_DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? "
                   r"\d{1,2},? \d{4}|20\d\d[.-]\d\d[.-]\d\d)\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_PLACE = re.compile(r"\b(?:[A-Z][a-z]+ ){1,3}(?:County|Parish|Sheriff'?s? Office|Police Department|Detention Center|"
                    r"Bureau of Investigation)\b|\bCity of [A-Z][a-z]+\b")
_STATES = re.compile(r"\b(?:" + "|".join(sorted((n.title() for n in STATE_CODES), key=len, reverse=True)) + r")\b")
SIMILAR_KEY = 0.85  # section titles this close are the same section ("POINTS OF CONT ACT")


def era_of(signed_on: str | None) -> str:
    return "2025" if signed_on and signed_on >= "2025-01-01" else "2019-2020"


def mask(text: str, agency: str | None = None) -> str:
    """``text`` with its filled-in blanks replaced by placeholders.

    >>> mask("signed by the Lee County Sheriff's Office on February 20, 2025 in Florida", "Lee County Sheriff's Office")
    'signed by the [AGENCY] on [DATE] in [STATE]'
    """
    if agency:
        text = text.replace(agency, "[AGENCY]")
    text = _DATE.sub("[DATE]", text)
    text = _PLACE.sub("[PLACE]", text)
    text = _STATES.sub("[STATE]", text)
    return _NUMBER.sub("[N]", text)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;:])\s+(?=[A-Z(•-])", " ".join(text.split())) if s.strip()]


def similarity(a: str, b: str) -> float:
    return round(difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio(), 4)


# Lines of the signature block (names, titles, signatures, dates): filled in, never template text.
_SIGNATURE_LINE = re.compile(r"^(?:Date:|Signature|Title:|Name:|For (?:ICE|the LEA|OAG)\b|Digitally signed|Dlgltally)",
                             re.IGNORECASE)


def is_signature_line(line: str) -> bool:
    """A line of the signature block: a label, or a short line without a sentence (a name, a title).

    >>> is_signature_line("Date: February 18, 2025"), is_signature_line("Acting Director")
    (True, True)
    >>> is_signature_line("ICE will provide the LEA timely notice of a suspension being extended or vacated.")
    False
    """
    return bool(_SIGNATURE_LINE.match(line)) or (len(line.split()) < 5 and not line.rstrip().endswith((".", ";", ":")))


def masked_sections(structure: MoaStructure) -> dict[str, str]:
    agency = structure.fields["agency"].value
    sections = {}
    for s in structure.sections:
        if s.key == "PREAMBLE" or not s.text.strip():
            continue
        lines = s.lines
        if "TERMINATION" in s.key:  # the signature block closes this section
            lines = [line for line in lines if not is_signature_line(line)]
        sections[s.key] = mask(" ".join(lines), agency)
    return sections


def derive_templates(structures: list[MoaStructure]) -> dict[str, dict]:
    """Templates keyed ``MODEL/ERA``: ``{"model", "era", "sources", "sections": {title: masked text}}``."""
    groups: dict[tuple[str, str], list[MoaStructure]] = {}
    for s in structures:
        groups.setdefault((s.fields["model"].value, era_of(s.fields["signed_on"].value)), []).append(s)
    templates = {}
    for (model, era), members in sorted(groups.items()):
        canonical: list[str] = []  # one title per section, whatever spacing a text layer gave it
        texts = []
        for member in members:
            text = {}
            for key, value in masked_sections(member).items():
                same = match_key(key, canonical)
                if same is None:
                    canonical.append(key)
                text[same or key] = value
            texts.append(text)
        keys = sorted({k for t in texts for k in t})
        sections = {}
        for key in keys:
            versions = [t[key] for t in texts if key in t]
            if len(versions) * 2 < len(texts):
                continue  # a section most MOAs of the group lack is not the template's
            sections[key] = max(versions, key=lambda v: sum(similarity(v, w) for w in versions))
        templates[f"{model}/{era}"] = {"model": model, "era": era, "sources": sorted(m.name for m in members),
                                       "sections": sections}
    return templates


def template_for(templates: dict[str, dict], model: str | None, signed_on: str | None) -> dict | None:
    """The template of the MOA's model and era; the model's other era when that era has a single MOA."""
    own = templates.get(f"{model}/{era_of(signed_on)}")
    if own and len(own["sources"]) > 1:
        return own
    others = [t for t in templates.values() if t["model"] == model and t is not own and len(t["sources"]) > 1]
    return others[0] if others else own


def match_key(key: str, keys: list[str]) -> str | None:
    if key.startswith("APPENDIX"):
        return key if key in keys else None  # APPENDIX B is not a misspelt APPENDIX A
    close = difflib.get_close_matches(key, keys, n=1, cutoff=SIMILAR_KEY)
    return close[0] if close else None


def compare(structure: MoaStructure, template: dict, exclude: str | None = None) -> dict:
    """Per section of ``structure``: the template section it matches, the similarity, and the clauses added,
    removed or changed. ``exclude`` (the MOA's own name) keeps an MOA from being its own template."""
    own = masked_sections(structure)
    reference = template["sections"]
    report_sections, differences = [], []
    matched = set()
    for key, text in own.items():
        ref_key = match_key(key, list(reference))
        if ref_key is None:
            report_sections.append({"section": key, "template_section": None, "similarity": 0.0})
            differences.append({"section": key, "kind": "section added", "text": text[:300]})
            continue
        matched.add(ref_key)
        report_sections.append({"section": key, "template_section": ref_key,
                                "similarity": similarity(text, reference[ref_key])})
        differences += clause_differences(key, text, reference[ref_key])
    for ref_key in reference:
        if ref_key not in matched:
            differences.append({"section": ref_key, "kind": "section removed", "text": reference[ref_key][:300]})
    return {"template": f"{template['model']}/{template['era']}", "template_sources": template["sources"],
            "sections": report_sections, "differences": differences}


def clause_differences(section: str, text: str, reference: str) -> list[dict]:
    """Clauses of ``text`` added, removed or changed against ``reference`` (both masked)."""
    mine, theirs = sentences(text), sentences(reference)
    out = []
    matcher = difflib.SequenceMatcher(None, theirs, mine, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = theirs[i1:i2], mine[j1:j2]
        pairs = []
        if tag == "replace":
            # Pair each changed clause with its closest counterpart; the rest are added or removed.
            for clause in new:
                best = max(old, key=lambda o: similarity(o, clause), default=None)
                if best is not None and similarity(best, clause) >= 0.6:
                    pairs.append((best, clause))
            paired_old, paired_new = {p[0] for p in pairs}, {p[1] for p in pairs}
            old = [o for o in old if o not in paired_old]
            new = [n for n in new if n not in paired_new]
        for before, after in pairs:
            out.append({"section": section, "kind": "changed", "template": before, "moa": after,
                        "diff": word_diff(before, after)})
        out += [{"section": section, "kind": "removed", "text": o} for o in old]
        out += [{"section": section, "kind": "added", "text": n} for n in new]
    return out


def word_diff(before: str, after: str) -> str:
    """A readable word-level diff: ``[-removed-]`` and ``{+added+}``.

    >>> word_diff("ICE will provide training", "ICE will provide annual training")
    'ICE will provide {+annual+} training'
    """
    a, b = before.split(), after.split()
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts += a[i1:i2]
        if tag in ("delete", "replace"):
            parts.append("[-" + " ".join(a[i1:i2]) + "-]")
        if tag in ("insert", "replace"):
            parts.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(parts)
