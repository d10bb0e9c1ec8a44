"""What an MOA says on the six questions people ask before signing or renewing: the model's duties, who pays,
who supervises, how complaints are handled, what data is kept, and how the agreement ends.

Each topic is read from the MOA's own text: the section whose title names it (``COSTS AND EXPENDITURES``), else
the first sentence anywhere that speaks of it, cited by section, page and line. ICE's 2019-2020 Jail and
Warrant Service MOAs have no costs or supervision section: their ``RESPONSIBILITIES`` section says it in a
sentence, which the sentence rule finds. A topic the MOA does not address is left out, never guessed.
"""

from __future__ import annotations

import re

from g287.moa.structure import MoaStructure
from g287.moa.template import is_signature_line, sentences

# Topic -> (titles of the section that addresses it, the sentence that speaks of it when no section does).
TOPICS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "duties": (re.compile(r"DESIGNATION OF AUTHORIZED FUNCTIONS|^PURPOSE$"),
               re.compile(r"\b(authoriz|designat|perform)\w*\b.{0,80}\bimmigration (officer )?functions?", re.I)),
    "costs": (re.compile(r"COSTS AND EXPENDITURES"),
              re.compile(r"\b(costs?|expenses?|reimburs\w*|at (its|their) own expense)\b", re.I)),
    "supervision": (re.compile(r"ICE SUPERVISION"), re.compile(r"\b(supervised|supervision)\b", re.I)),
    "complaints": (re.compile(r"COMPLAINT PROCEDURES?"), re.compile(r"\bcomplaints?\b", re.I)),
    "data": (re.compile(r"REPORTING REQUIREMENTS"), re.compile(r"\b(data|statistic\w*)\b", re.I)),
    "termination": (re.compile(r"TERMINATION"), re.compile(r"\bterminat\w*", re.I)),
}
MAX_CHARS = 420  # two sentences at most: a brief quotes, the MOA itself is linked


def read_clauses(structure: MoaStructure) -> list[dict]:
    """One row per topic the MOA addresses: ``topic``, ``section`` (its title), ``page``, ``line`` (where the
    section starts) and ``text`` (the section's first sentences on the topic, at most :data:`MAX_CHARS`).

    >>> from g287.moa.structure import Field, MoaStructure, Section
    >>> s = MoaStructure("x.pdf", [Section("COSTS AND EXPENDITURES", 4, 12, ["The LEA is responsible for personnel "
    ...     "expenses, including salaries. ICE will provide instructors."])], {}, 1)
    >>> [(c["topic"], c["page"], c["text"]) for c in read_clauses(s)]
    [('costs', 4, 'The LEA is responsible for personnel expenses, including salaries. ICE will provide instructors.')]
    """
    clauses = []
    for topic, (title, sentence) in TOPICS.items():
        found = (_by_title(structure, topic, title, sentence) or _by_subheading(structure, title)
                 or _by_sentence(structure, sentence))
        if found is not None:
            section, text = found
            clauses.append({"topic": topic, "section": section.key, "page": section.page, "line": section.line,
                            "text": _clip(text)})
    return clauses


def _body(section) -> list[str]:
    """The section's sentences up to its first inline subheading (JEM and WSO MOAs nest "B. COMMUNICATION")."""
    lines = [line for line in section.lines if not is_signature_line(line)] if "TERMINATION" in section.key \
        else section.lines
    text = " ".join(lines)
    following = _CAPITALS.search(text, 1)
    return sentences(text[:following.start()] if following and following.start() > 40 else text)


def _by_title(structure: MoaStructure, topic: str, title: re.Pattern, sentence: re.Pattern):
    for section in structure.sections:
        if title.search(section.key):
            body = _body(section)
            if not body:
                continue
            # The termination section opens with the effective date; the sentences on ending it follow.
            if topic == "termination":
                hits = [s for s in body if sentence.search(s)]
                return section, " ".join(hits[:2] or body[:2])
            return section, " ".join(body[:2])
    return None


# An inline subheading: a run of capitals inside a section's text ("... COSTS AND EXPENDITURES The LEA is ...").
_CAPITALS = re.compile(r"\b(?:[A-Z]{2,}[ ,]+){1,}[A-Z]{2,}\b")


def _by_subheading(structure: MoaStructure, title: re.Pattern):
    """The sentences after an inline subheading naming the topic, up to the next subheading."""
    for section in structure.sections:
        text = " ".join(section.lines)
        for heading in _CAPITALS.finditer(text):
            named = title.match(heading.group(0))
            if named:
                rest = text[heading.start() + named.end():]
                following = _CAPITALS.search(rest)
                body = sentences(rest[:following.start()] if following else rest)
                if body:
                    return section, " ".join(body[:3])
    return None


def _by_sentence(structure: MoaStructure, sentence: re.Pattern):
    for section in structure.sections:
        if section.key == "PREAMBLE":
            continue
        for text in _body(section):
            if sentence.search(text):
                return section, text
    return None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"
