"""Benchmark: the site under load on loopback, against Datasette serving the same lookups from the exported SQLite.

Run:  python benchmarks/web_load.py [--clients 50] [--seconds 10] [--workers 1]

Starts ``g287 serve`` (over the bundled ledger, in an empty G287_HOME) and ``datasette`` (over
``g287 export --format sqlite`` of the same ledger, immutable), each on a free loopback port, then drives each
with ``--clients`` concurrent keep-alive clients for ``--seconds`` per lookup:

- agency page: g287 ``/agencies/<id>`` (agreements, counties, events with evidence) against Datasette's
  ``/g287/agencies?agency_id=<id>`` (the agency's row), rotating over every agency;
- counts: g287 ``/api/v1/counts`` against Datasette running the same count as SQL (``?sql=...&_shape=array``).

The agency lookup runs twice: "first visit" requests every agency once (g287 queries the ledger), "repeat"
then cycles over them for ``--seconds`` (g287 answers from its in-memory response cache; Datasette has none and
queries SQLite each time). The counts lookup is requested once before it is measured.

Prints p50 and p99 latency (ms) and throughput (requests/s) of each, from the same run. Every response must be
200; the run fails otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

COUNTS_SQL = ("SELECT count(DISTINCT agreement_id) AS agreements, count(DISTINCT agency_id) AS agencies FROM presence "
              "WHERE publication_id = (SELECT publication_id FROM publications WHERE kind = 'participating' "
              "AND status = 'accepted' ORDER BY seq DESC LIMIT 1)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}: {url}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not answer in {timeout} s: {url}")


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, target: str) -> int:
    """One HTTP/1.1 keep-alive GET on an open connection; returns the status (the body is read and dropped)."""
    writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept-Language: en\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return int(lines[0].split()[1])


async def drive(urls: list[str], clients: int, seconds: float | None) -> dict:
    """``clients`` concurrent keep-alive connections requesting ``urls`` in turn for ``seconds`` (or, with
    ``None``, each URL exactly once).

    A small raw HTTP/1.1 client, so that the load generator is not slower than the servers it measures.
    """
    latencies: list[float] = []
    failures: list[str] = []
    parsed = [httpx.URL(u) for u in urls]
    host, port = parsed[0].host, parsed[0].port
    stop = time.perf_counter() + (seconds or 0)

    async def client(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        i = offset
        while time.perf_counter() < stop if seconds else i < len(parsed):
            url = parsed[i % len(parsed)]
            i += clients
            target = url.raw_path.decode()
            start = time.perf_counter()
            status = await fetch(reader, writer, f"{host}:{port}", target)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                failures.append(f"{status} {target}")
        writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[0]}")
    latencies.sort()
    return {"requests": len(latencies), "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "rps": len(latencies) / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=1, help="g287 serve processes")
    args = parser.parse_args()

    import g287

    work = Path(tempfile.mkdtemp(prefix="g287-web-load-"))
    home = work / "home"
    home.mkdir()
    env = {**os.environ, "G287_HOME": str(home)}
    g287.export("sqlite", work, home=home)
    with g287.connect(home=home) as con:
        agency_ids = [r[0] for r in con.execute("SELECT agency_id FROM agencies ORDER BY agency_id").fetchall()]

    g287_port, datasette_port = free_port(), free_port()
    bin_dir = Path(sys.executable).parent
    servers = [
        subprocess.Popen([str(bin_dir / "g287"), "serve", "--port", str(g287_port), "--workers", str(args.workers)],
                         env=env, stdout=subprocess.DEVNULL),
        subprocess.Popen([str(bin_dir / "datasette"), "serve", "-i", str(work / "g287.sqlite"), "--port",
                          str(datasette_port), "--setting", "sql_time_limit_ms", "10000"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        g287_url, datasette_url = f"http://127.0.0.1:{g287_port}", f"http://127.0.0.1:{datasette_port}"
        wait_until_up(g287_url + "/api/v1/counts", servers[0])
        wait_until_up(datasette_url + "/g287/agencies.json", servers[1])
        lookups = {
            ("agency page", "g287"): [f"{g287_url}/agencies/{a}" for a in agency_ids],
            ("agency page", "Datasette"): [f"{datasette_url}/g287/agencies?agency_id={a}" for a in agency_ids],
            ("counts", "g287"): [f"{g287_url}/api/v1/counts"],
            ("counts", "Datasette"): [str(httpx.URL(f"{datasette_url}/g287.json",
                                                    params={"sql": COUNTS_SQL, "_shape": "array"}))],
        }
        print(f"{args.clients} concurrent clients, {args.seconds:g} s per lookup, loopback, {os.cpu_count()} CPUs; "
              f"g287 serve --workers {args.workers}; Datasette over the exported SQLite (immutable)")
        print(f"{'lookup':<26} {'server':<10} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
        for (lookup, server), urls in lookups.items():
            runs = [("first visit", None), ("repeat", args.seconds)] if len(urls) > 1 else [("repeat", args.seconds)]
            if len(urls) == 1:
                asyncio.run(drive(urls, 1, None))
            for label, seconds in runs:
                result = asyncio.run(drive(urls, args.clients, seconds))
                print(f"{lookup + ', ' + label:<26} {server:<10} {result['requests']:>9} {result['p50_ms']:>8.1f} "
                      f"{result['p99_ms']:>8.1f} {result['rps']:>8.1f}")
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
