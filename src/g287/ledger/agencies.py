"""Agencies as the participating lists print them: latest name, type and county, names over time, renames,
and the descriptive values on which an agency's rows disagree.

Built one accepted participating list at a time (:meth:`Agencies.add_list`); the rows of any set of agencies
can then be written out (:meth:`Agencies.rows`), so a store can replace just the agencies a new list touched.
"""

from __future__ import annotations

from g287.parse.rows import agency_name_key

# Descriptive columns that never split an agency: when ICE's rows for one agency disagree on them, the agency
# keeps its latest value and every value is recorded in ``agency_notes`` with the rows that carry it.
NOTED_COLUMNS = ("agency_type", "county")


class Agencies:
    """What the participating lists say about each agency (rows without an agency or a model are left out)."""

    def __init__(self) -> None:
        self.ids: list[str] = []  # publication ids of the lists, in order
        self.on: list[str] = []  # their dates
        self.latest: dict[str, dict] = {}  # agency -> state, first and last list, latest name and values
        self.values: dict[str, dict[str, dict[str, dict]]] = {}  # agency -> column -> value -> rows, first, last
        self.names: dict[str, dict[str, dict]] = {}  # agency -> name key -> first and last row printing it
        self.current_name: dict[str, tuple[str, dict]] = {}  # agency -> (name as printed, its names entry)
        self.renames: dict[str, list[tuple]] = {}  # agency -> the renames seen, as event arguments

    def to_plain(self) -> tuple:
        """This state as built-in values only (see :meth:`g287.ledger.tables.Ledger.dump`)."""
        current = {}
        for agency_id, (name, entry) in self.current_name.items():  # the entry by its key: it is shared
            current[agency_id] = (name, next(k for k, e in self.names[agency_id].items() if e is entry))
        return self.ids, self.on, self.latest, self.values, self.names, current, self.renames

    @classmethod
    def from_plain(cls, plain: tuple) -> Agencies:
        self = cls()
        self.ids, self.on, self.latest, self.values, self.names, current, self.renames = plain
        self.current_name = {agency_id: (name, self.names[agency_id][key]) for agency_id, (name, key) in current.items()}
        return self

    def add_list(self, publication: dict, rows: list[dict]) -> tuple[set[str], set[str]]:
        """Add the next list; returns the agencies it shows, and those it shows under a new name (renames)."""
        index = len(self.ids)
        self.ids.append(publication["publication_id"])
        self.on.append(publication["list_date"])
        shown: set[str] = set()
        renamed: set[str] = set()
        for row in rows:
            agency_id = row["agency_id"]
            if agency_id is None or row["model"] is None:
                continue
            shown.add(agency_id)
            info = self.latest.get(agency_id)
            if info is None:
                info = self.latest[agency_id] = {"state": row["state"], "first": index}
            info["last"] = index
            info["agency_name"] = row["agency_name"]
            for column in ("agency_type", "county", "ice_county"):
                if row[column] is not None:
                    info[column] = row[column]
            for column in NOTED_COLUMNS:
                if row[column] is not None:
                    seen_values = self.values.setdefault(agency_id, {}).setdefault(column, {})
                    note = seen_values.get(row[column])
                    if note is None:
                        note = seen_values[row[column]] = {"rows": 0, "first": (index, row["row_number"])}
                    note["rows"] += 1
                    note["last"] = (index, row["row_number"])
            name = row["agency_name"]
            seen = self.current_name.get(agency_id)
            if seen is None or seen[0] != name:
                key = agency_name_key(name)
                names = self.names.setdefault(agency_id, {})
                entry = names.get(key)
                if entry is None:
                    if names:  # a name this agency never had: a rename, from the name it took last
                        old = next(reversed(names.values()))
                        renamed.add(agency_id)
                        self.renames.setdefault(agency_id, []).append((
                            publication["list_date"], row["state"],
                            [("row", publication["publication_id"], row["row_number"]),
                             ("previous_row", self.ids[old["last"]], old["last_row_number"])],
                            f"{old['agency_name']} -> {name}"))
                    entry = names[key] = {"agency_name": name, "first": index,
                                          "first_row_number": row["row_number"]}
                seen = self.current_name[agency_id] = (name, entry)
            entry = seen[1]
            entry["last"] = index
            entry["last_row_number"] = row["row_number"]
        return shown, renamed

    def rows(self, agency_ids, active: set[str]) -> dict[str, list[dict]]:
        """Rows of ``agencies``, ``agency_names`` and ``agency_notes`` for ``agency_ids`` (those these lists show),
        in the tables' order; ``active`` are the agencies with an agreement in the newest list."""
        on, ids = self.on, self.ids
        agencies, names, notes = [], [], []
        for agency_id in sorted(a for a in agency_ids if a in self.latest):
            info = self.latest[agency_id]
            agencies.append({
                "agency_id": agency_id, "state": info["state"], "agency_name": info["agency_name"],
                "agency_type": info.get("agency_type"), "county": info.get("county"),
                "ice_county": info.get("ice_county"), "first_listed_on": on[info["first"]],
                "last_listed_on": on[info["last"]], "is_active": agency_id in active})
            names += sorted(({
                "agency_id": agency_id, "agency_name": n["agency_name"], "first_seen_on": on[n["first"]],
                "first_publication_id": ids[n["first"]], "first_row_number": n["first_row_number"],
                "last_seen_on": on[n["last"]], "last_publication_id": ids[n["last"]],
                "last_row_number": n["last_row_number"],
            } for n in self.names[agency_id].values()), key=lambda n: (n["first_seen_on"], n["agency_name"]))
            for column, seen in sorted(self.values.get(agency_id, {}).items()):
                if len(seen) > 1:
                    notes += [{
                        "agency_id": agency_id, "field": column, "value": value, "rows": note["rows"],
                        "is_current": value == info.get(column),
                        "first_publication_id": ids[note["first"][0]], "first_row_number": note["first"][1],
                        "last_publication_id": ids[note["last"][0]], "last_row_number": note["last"][1],
                    } for value, note in sorted(seen.items())]
        return {"agencies": agencies, "agency_names": names, "agency_notes": notes}
