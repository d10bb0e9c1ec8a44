"""MOA link repairs, on targets found in ICE's workbooks."""

import pytest

from g287.parse.links import repair_url


@pytest.mark.parametrize(("target", "expected"), [
    ("https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2FX_TFM_MOA.pdf"
     "&data=05%7C02&reserved=0", "https://www.ice.gov/doclib/287gMOA/X_TFM_MOA.pdf"),
    ("chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https:/www.ice.gov/doclib/287gMOA/Y.pdf",
     "https://www.ice.gov/doclib/287gMOA/Y.pdf"),
    ("https:/www.ice.gov/doclib/287gMOA/Z.pdf", "https://www.ice.gov/doclib/287gMOA/Z.pdf"),
    ("http://www.ice.gov/doclib/287gMOA/W.pdf", "https://www.ice.gov/doclib/287gMOA/W.pdf"),
    ("https://web.archive.org/web/20250104041613/https://www.ice.gov/doclib/287gMOA/287gJEM_ etowahCoAL_06-09-2020.pdf",
     "https://www.ice.gov/doclib/287gMOA/287gJEM_ etowahCoAL_06-09-2020.pdf"),
    ("link pending", None),
    ("", None),
    (None, None),
])
def test_repair_url(target, expected):
    assert repair_url(target) == expected
