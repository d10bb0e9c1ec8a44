"""The rename rule: removals that are really one agreement listed again under another name.

ICE re-types agency names: "Florida Fish & Wildlife Conservation Commission" replaced "Florida Fish and
Wildlife Conservation Commission" on 2025-07-23, eight days after the old spelling's last list, with the same
model, signing date and MOA file. Read literally, that is a departure and a new agency. The rule below finds
every such pair in the ledger, so that each is reviewed into ``fixes/agency_name.csv`` (same state) or
``fixes/agreement_state.csv`` (the same agency printed under another state) and stops being a removal.

A removed agreement *A* and an agreement *B* of another agency are a **rename candidate** when

- *B* has A's model and A's signing date, or A's MOA file;
- *B* was first listed after *A* and at most :data:`RENAME_WINDOW_DAYS` days after A's removal, and is still
  listed after A's last list;
- the names are similar (:func:`is_similar_name`) in the same state, or identical in another state.

Pairs with the same MOA file but unrelated names (a sheriff's agreement re-listed under the county's
corrections department) are returned too, with ``is_similar_name`` false: the agreement changed holder, and
the audit in docs/ledger.md shows them as such; they are not renames.
"""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

from g287.parse.rows import agency_name_key

# The longest gap in the archive between an old spelling's last list and the new one's first (FFWCC) is 9
# days; two months leaves room for ICE's slower weeks without pairing unrelated agreements.
RENAME_WINDOW_DAYS = 60
# Two words are one word misspelt when difflib's ratio reaches this ("indiatlantic"/"indialantic" 0.96,
# "sheriffs"/"attorneys" 0.47).
WORD_SIMILARITY = 0.8


def is_similar_name(a: str, b: str) -> bool:
    """True when every word of the shorter name is a word, or a misspelling of a word, of the longer one.

    Word order, "City of", a division added and abbreviations ICE also prints in full do not matter; a
    different kind of office does.

    >>> is_similar_name("City of St. Cloud Police Department", "St. Cloud Police Department")
    True
    >>> is_similar_name("Wyoming Highway State Patrol", "Wyoming State Highway Patrol")
    True
    >>> is_similar_name("Pinal County Sheriff's Office", "Pinal County Attorney's Office")
    False
    """
    words_a, words_b = agency_name_key(a).split("-"), agency_name_key(b).split("-")
    shorter, longer = sorted((words_a, words_b), key=len)
    return all(any(w == v or SequenceMatcher(None, w, v).ratio() >= WORD_SIMILARITY for v in longer)
               for w in shorter)


def match_rename_candidates(agreements: list[dict], agency_names: dict[str, str]) -> list[dict]:
    """Rename candidates among the ledger's removed agreements (see the module docstring).

    ``agreements`` are rows of the ``agreements`` table; ``agency_names`` maps agency ids to names. Returns
    one dict per pair: ``agreement_id``, ``agency_name``, ``state``, ``candidate_id``, ``candidate_name``,
    ``candidate_state``, ``basis`` (``signed_on``, ``moa_url`` or both, ``+``-joined) and ``is_similar_name``,
    ordered by removal date.
    """
    by_model: dict[str, list[dict]] = {}
    for agreement in agreements:
        by_model.setdefault(agreement["model"], []).append(agreement)
    candidates = []
    removed = [a for a in agreements if a["status"] == "Removed" and a["removed_on"]]
    for old in sorted(removed, key=lambda a: (a["removed_on"], a["agreement_id"])):
        window_end = (dt.date.fromisoformat(old["removed_on"]) + dt.timedelta(days=RENAME_WINDOW_DAYS)).isoformat()
        old_name = agency_names[old["agency_id"]]
        for new in by_model[old["model"]]:
            if (new["agency_id"] == old["agency_id"] or not old["first_listed_on"] < new["first_listed_on"] <= window_end
                    or new["last_listed_on"] <= old["last_listed_on"]):
                continue
            basis = [column for column in ("signed_on", "moa_url") if old[column] and old[column] == new[column]]
            if not basis:
                continue
            new_name = agency_names[new["agency_id"]]
            if new["state"] == old["state"]:
                similar = is_similar_name(old_name, new_name)
            else:
                similar = agency_name_key(old_name) == agency_name_key(new_name)
            if not similar and "moa_url" not in basis:
                continue
            candidates.append({"agreement_id": old["agreement_id"], "agency_name": old_name, "state": old["state"],
                               "candidate_id": new["agreement_id"], "candidate_name": new_name,
                               "candidate_state": new["state"], "basis": "+".join(basis),
                               "is_similar_name": similar})
    return candidates
