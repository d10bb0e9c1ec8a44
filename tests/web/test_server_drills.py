"""Fault drills on a real server (``g287 serve`` in its own process, over a built store): hostile requests get a
4xx, and a rebuild swaps the store in under load without a single 5xx."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

import g287
from tests.conftest import shared_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(copy_of_home: Path):
    """``g287 serve`` over a private copy of the built home; yields (base URL, home)."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", "from g287.cli import app; app()", "serve", "--port", str(port)],
                               env={**os.environ, "G287_HOME": str(copy_of_home)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/v1/counts", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
        time.sleep(0.1)
    yield base, copy_of_home
    process.terminate()
    process.wait(10)


def _raw_get(base: str, target: str, headers: str = "") -> tuple[int, bytes]:
    """Send ``GET target`` byte for byte (no client normalises the path), return (status, body)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_100_kb_query_parameter_is_refused(server):
    base, _ = server
    big = "x" * 100_000
    for target in (f"/api/v1/counts?as_of={big}", f"/?lang={big}", f"/search?q={big}"):
        status, body = _raw_get(base, target)
        assert status == 414 and b"the site accepts at most 8,192" in body


@pytest.mark.parametrize("target", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2f..%2fpyproject.toml",
                                    "/agencies/..%5c..%5cetc%5cpasswd", "/../../etc/passwd"])
def test_a_path_with_dot_dot_is_refused(server, target: str):
    status, body = _raw_get(server[0], target)
    assert status == 400 and body == b'{"ok":false,"error":"The path has a \'..\' segment; use the site\'s own links.","status":400}'


@pytest.mark.parametrize("value", ["es;q=abc", ";;;,,,", "es-MX;q=1.5", "en;q=0.5, *;q=", "é", "es," * 300])
def test_a_malformed_accept_language_is_refused(server, value: str):
    status, body = _raw_get(server[0], "/", f"Accept-Language: {value}\r\n")
    assert status == 400 and b"The Accept-Language header is malformed" in body


def test_a_well_formed_accept_language_picks_the_language(server):
    response = httpx.get(server[0] + "/", headers={"Accept-Language": "fr-CA, es-MX;q=0.9, en;q=0.8"})
    assert response.status_code == 200 and '<html lang="es"' in response.text


def _newer_list(folder: Path) -> tuple[Path, str]:
    """ICE's newest list re-saved as the next day's list, without its first agreement row (name of that agency)."""
    from openpyxl import load_workbook

    book = load_workbook(shared_path("ice-287g/archive/participating/2026-05-18.xlsx"))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    dropped = sheet.cell(2, header.index("LAW ENFORCEMENT AGENCY") + 1).value
    sheet.delete_rows(2)
    path = folder / "participatingAgencies05192026am.xlsx"
    book.save(path)
    return path, " ".join(dropped.split())  # as the ledger prints it, whitespace cleaned


def test_a_rebuild_swaps_the_store_in_under_load_without_errors(server, tmp_path: Path):
    base, home = server
    newer, dropped = _newer_list(tmp_path)
    g287.import_files([newer], home=home)
    before = httpx.get(f"{base}/api/v1/counts").json()
    assert before["publication_date"] == "2026-05-18"
    agencies = [r["agency_id"] for r in g287.agencies(home=home)]
    urls = [f"/agencies/{a}" for a in agencies[:600]] + [f"/api/v1/agencies/{a}" for a in agencies[600:1000]]
    statuses: Counter = Counter()
    errors: list[str] = []
    stop = threading.Event()

    def client(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            index = offset
            while not stop.is_set():
                try:
                    statuses[http.get(urls[index % len(urls)]).status_code] += 1
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                index += 50

    threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    try:
        build = subprocess.run([sys.executable, "-c", "from g287.cli import app; app()", "build"],
                               env={**os.environ, "G287_HOME": str(home)}, capture_output=True, text=True, timeout=300)
        assert build.returncode == 0, build.stderr
        time.sleep(3)  # the server looks for a swapped store once a second
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert errors == [] and set(statuses) == {200} and statuses[200] > 500, (statuses, errors[:3])
    after = httpx.get(f"{base}/api/v1/counts").json()
    assert after["publication_date"] == "2026-05-19" and after["agreements"] < before["agreements"]
    events = httpx.get(f"{base}/api/v1/events", params={"since": "2026-05-19", "per_page": 1000}).json()
    assert dropped in {e["agency_name"] for e in events["items"] if e["event_type"] == "removed"}
