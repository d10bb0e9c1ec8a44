"""ICE's archive index of MOAs (captured 2026-04-20): signing dates, models from file names."""

from collections import Counter

import pytest

from g287.acquire.list_date import resolve_list_date
from g287.errors import UnknownLayoutError
from g287.parse import read_publication
from tests.conftest import shared_path

SOURCE = "ice-287g/history/ice_live_287gMOA_index_2026-04-20.tsv"


def test_signing_dates_by_year_and_models_from_file_names():
    path = shared_path(SOURCE)
    [index] = read_publication(path.read_bytes(), path.name)
    assert (index.kind, index.grade, index.claim, len(index.rows)) == ("history", "A", "signing_dates", 141)
    assert resolve_list_date(path.name) == ("2026-04-20", "", "dated-filename")
    dated = sorted(r["signed_on"] for r in index.rows if r["signed_on"])
    assert (len(dated), dated[0], dated[-1]) == (106, "2006-11-02", "2020-08-21")
    assert Counter(d[:4] for d in dated) == {"2006": 1, "2007": 4, "2008": 3, "2009": 8, "2016": 22, "2017": 27,
                                             "2018": 16, "2019": 8, "2020": 17}
    etowah = next(r for r in index.rows if r["ice_moa"] == "287gJEM_EtowahCoAl2016-06-18.pdf")
    assert (etowah["agency_id"], etowah["model"], etowah["signed_on"]) == (
        "AL-etowah-county-sheriffs-office", "JEM", "2016-06-08")
    assert all(r["review_reason"] is None for r in index.rows)


def test_a_line_with_another_number_of_fields_is_refused():
    data = shared_path(SOURCE).read_bytes() + b"Texas\tSome County\t2020-01-01\n"
    with pytest.raises(UnknownLayoutError, match=r"line 142 has 3 fields; the MOA index has four"):
        read_publication(data, "index.tsv")
