"""An MOA's structure and terms: its numbered sections and appendices, model, agency, signing dates and the
clauses people ask about, each citing the page and line it was read from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from g287.moa.extract import MoaText
from g287.parse.moa_pdf import date_from_name, iso_date

# A heading: a Roman numeral (OCR may read it as IL, VIL, 1.), then a title in capitals; or "APPENDIX A".
_HEADING = re.compile(r"^(?P<number>[IVXLl1|]{1,5}[.,]?)\s+(?P<title>[A-Z][A-Z ,/&()\-']{3,})[\s|]*$")
_APPENDIX = re.compile(r"^APPENDIX\s+(?P<letter>[A-D])\b[\s|]*$")
MODEL_TITLES = (("Jail Enforcement Model", "JEM"), ("Task Force Model", "TFM"), ("Warrant Service Officer", "WSO"))
_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                       "DEC"), start=1)}


@dataclass
class Section:
    key: str  # the title in capitals ("EFFECTIVE DATE AND TERMINATION OF THIS MOA") or "APPENDIX A"
    page: int
    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class Field:
    value: object
    page: int | None
    line: int | None
    source: str  # "text", "file name" or "absent"


@dataclass
class MoaStructure:
    name: str
    sections: list[Section]
    fields: dict[str, Field]
    heading_lines: int  # lines that look like headings (identified or not)


def heading_key(line: str) -> str | None:
    """The section a heading line opens, or None.

    >>> heading_key("VIL POINTS OF CONTACT |"), heading_key("APPENDIX B"), heading_key("This MOA becomes")
    ('POINTS OF CONTACT', 'APPENDIX B', None)
    """
    appendix = _APPENDIX.match(line)
    if appendix:
        return f"APPENDIX {appendix['letter']}"
    match = _HEADING.match(line)
    if match and match["title"].strip() == match["title"].strip().upper():
        return " ".join(match["title"].replace("|", " ").split()).strip(" ,")
    return None


# ICE's 2025 templates print their revision date in every page's footer ("Revised 02/12/2025").
_REVISED = re.compile(r"\s*Revised \d\d/\d\d/\d{4}\s*")


def body_lines(moa: MoaText) -> list[tuple[int, int, str]]:
    """The MOA's lines without page furniture: page numbers, running headers and footers (a line printed on
    three pages or more, such as the agency's name), and ICE's template revision footer."""
    from collections import Counter

    lines = moa.positioned_lines()
    repeated = Counter(text for _, _, text in {(p, 0, t) for p, _, t in lines})
    body = []
    for page, number, text in lines:
        text = _REVISED.sub(" ", text).strip()
        if not text or text.isdigit() or (repeated[text] >= 3 and heading_key(text) is None):
            continue
        body.append((page, number, text))
    return body


def read_structure(moa: MoaText) -> MoaStructure:
    """Sections, fields and terms of an extracted MOA."""
    sections: list[Section] = []
    front = Section("PREAMBLE", 1, 1)
    current = front
    heading_lines = 0
    for page, number, line in body_lines(moa):
        key = heading_key(line)
        if key is not None:
            heading_lines += 1
            current = Section(key, page, number)
            sections.append(current)
        else:
            current.lines.append(line)
    parties = next((s for s in sections if s.key == "PARTIES"), None)
    opening = Section("PREAMBLE", 1, 1, front.lines + (parties.lines if parties else []))
    fields = {"model": _model(moa), "agency": _agency(opening, moa), **_signing(moa)}
    fields.update(_terms(sections, moa))
    return MoaStructure(moa.name, [front, *sections], fields, heading_lines)


def _model(moa: MoaText) -> Field:
    for page, number, line in moa.positioned_lines():
        if page > 1:
            break
        for title, code in MODEL_TITLES:
            if title.casefold() in line.casefold():
                return Field(code, page, number, "text")
    found = re.search(r"(JEM|TFM|WSO)", moa.name.upper())
    return Field(found[1] if found else None, None, None, "file name" if found else "absent")


def _agency(front: Section, moa: MoaText) -> Field:
    text = " ".join(" ".join(front.lines).split())
    found = re.search(r"Homeland Security \((?:DHS|OHS)\),? and,? (?:the )?(?P<agency>.+?)(?: \(|, hereinafter|,? under"
                      r"|, pursuant| pursuant| that is hereinafter)", text)
    agency = found["agency"].split("by and through the ")[-1].strip(" ,") if found else ""
    if not agency.strip("_ ").replace("the", "").strip("_ "):  # a blank left on ICE's form
        return Field(None, None, None, "absent")
    for page, number, line in moa.positioned_lines():
        if agency.split()[0] in line and page <= 2:
            return Field(agency, page, number, "text")
    return Field(agency, 1, None, "text")


def parse_signature_date(text: str) -> str | None:
    """A date as a signature block prints it (digital stamps and OCR included), as ISO.

    >>> [parse_signature_date(t) for t in ("Date: February 18, 2025", "Date: 2020.D6.30 16:47:SO -04'00'",
    ...  "OCT 1 5 2019", "Date: 3/4/25", "Date:")]
    ['2025-02-18', '2020-06-30', '2019-10-15', '2025-03-04', None]
    """
    clean = text.replace("Date:", " ").strip()
    digital = re.search(r"(20\d\d)\.([0-9DOo]{2})\.([0-9DOo]{2})", clean)
    if digital:
        year, month, day = (int(p.upper().replace("D", "0").replace("O", "0")) for p in digital.groups())
        return iso_date(year, month, day)
    named = re.search(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d)\s?(\d)?,?\s+(20\d\d)\b", clean)
    if named and named[1].upper() in _MONTHS:
        return iso_date(int(named[4]), _MONTHS[named[1].upper()], int(named[2] + (named[3] or "")))
    slashed = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b", clean)
    if slashed:
        year = int(slashed[3]) + (2000 if len(slashed[3]) == 2 else 0)
        return iso_date(year, int(slashed[1]), int(slashed[2]))
    return None


def _signing(moa: MoaText) -> dict[str, Field]:
    """The parties' dates readable in the signature block (near lines holding "Date:"); the MOA's signing date
    as ICE's file name gives it (``signed_on``; the latest readable date when the name has none); and the day it
    took effect (``effective_on``: the last signature, or the file name's date when later). ICE's list usually
    repeats the file name's date as SIGNED, but not always: for Lee County (FL) it gives the effective date,
    2025-03-03. Handwritten dates are often unreadable (Tarrant, TX: "June 16, 2020")."""
    lines = moa.positioned_lines()
    found: dict[str, Field] = {}
    for i, (page, number, line) in enumerate(lines):
        if "Date:" in line or re.fullmatch(r"[A-Z]{3}\s+\d\s?\d\s+20\d\d", line):
            for text_page, text_number, text in lines[max(i - 1, 0):i + 3]:
                date = parse_signature_date(text)
                if date and date not in found:
                    found[date] = Field(date, text_page, text_number, "text")
    named = date_from_name(moa.name)
    by_name = Field(named, None, None, "file name") if named else None
    candidates = list(found.values()) + ([by_name] if by_name else [])
    latest = max(candidates, key=lambda f: (f.value, f.source == "text"), default=Field(None, None, None, "absent"))
    first = next(iter(found.values()), None)
    return {"signed_on": by_name or latest, "effective_on": latest,
            "party_dates": Field(sorted(found), first.page if first else None, first.line if first else None,
                                 "text" if found else "absent")}


_TERMS = {
    "steering_committee": re.compile(r"steering committee", re.IGNORECASE),
    "complaint_procedure": re.compile(r"complaint (procedure|mechanism)|COMPLAINT PROCEDURES", re.IGNORECASE),
    "data_collection": re.compile(r"\b(collect|track|maintain|report)\w*\b[^.]{0,60}\b(data|statistics)\b|"
                                  r"\b(data|statistics)\b[^.]{0,60}\b(collect|track|maintain)\w*", re.IGNORECASE),
}


def _terms(sections: list[Section], moa: MoaText) -> dict[str, Field]:
    terms: dict[str, Field] = {}
    lines = moa.positioned_lines()
    for name, pattern in _TERMS.items():
        hit = next(((p, n) for p, n, line in lines if pattern.search(line)), None)
        terms[name] = Field(hit is not None, *(hit or (None, None)), "text" if hit else "absent")
    ending = next((s for s in sections if "TERMINATION" in s.key), None)
    if ending is not None:
        sentence = re.split(r"(?<=\.)\s", ending.text, maxsplit=1)[0]
        terms["duration_termination"] = Field(sentence, ending.page, ending.line, "text")
    else:
        terms["duration_termination"] = Field(None, None, None, "absent")
    return terms
