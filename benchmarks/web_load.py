"""Benchmark: the site under load on loopback, against Datasette serving the same lookups from the exported SQLite.

Run:  python benchmarks/web_load.py [--clients 50] [--seconds 10] [--urls 1000] [--workers 1]
      (wrk figures too when Debian's wrk is installed: apt-get install wrk)

Publishes the bundled ledger (``g287 publish``, timed) and starts three servers, each on a free loopback port:
``g287 serve --site`` (answers pages from the published files), ``g287 serve`` over the same ledger without them
(renders every page from the store; the status quo), and ``datasette`` over ``g287 export --format sqlite`` of
the same ledger (immutable). Each is driven with ``--clients`` concurrent keep-alive clients:

- agency page, first visit: ``--urls`` distinct agency pages, each requested once, on a fresh server (g287
  ``/agencies/<id>``: agreements, counties, events with evidence; Datasette ``/g287/agencies?agency_id=<id>``);
- agency page, repeat: cycling over the same URLs for ``--seconds``;
- counts: g287 ``/api/v1/counts`` against Datasette running the same count as SQL (``?sql=...&_shape=array``).

Then, with wrk (2 threads, ``--clients`` connections, ``--seconds``, a Lua script cycling over the same distinct
URLs) on fresh servers. Prints p50 and p99 latency (ms) and throughput (requests/s) of each, from the same run.
Every response must be 200; the run fails otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


class Servers:
    """The three servers over one ledger; ``start()`` gives fresh processes (nothing cached)."""

    def __init__(self, work: Path, workers: int) -> None:
        self.work, self.workers, self.processes = work, workers, []
        self.env = {**os.environ, "G287_HOME": str(work / "home")}
        self.bin = Path(sys.executable).parent

    def start(self) -> dict[str, str]:
        self.stop()
        ports = {name: free_port() for name in ("g287 (published)", "g287 (store)", "Datasette")}
        serve = [str(self.bin / "g287"), "serve", "--workers", str(self.workers)]
        commands = {
            "g287 (published)": serve + ["--port", str(ports["g287 (published)"]), "--site", str(self.work / "site")],
            "g287 (store)": serve + ["--port", str(ports["g287 (store)"])],
            "Datasette": [str(self.bin / "datasette"), "serve", "-i", str(self.work / "g287.sqlite"), "--port",
                          str(ports["Datasette"]), "--setting", "sql_time_limit_ms", "10000"],
        }
        urls = {}
        for name, command in commands.items():
            process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.processes.append(process)
            urls[name] = f"http://127.0.0.1:{ports[name]}"
            # Wait on a URL outside the measured lookups, so the servers start fresh for them.
            wait_until_up(urls[name] + ("/g287.json" if name == "Datasette" else "/glossary"), process)
        return urls

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(10)
        self.processes = []


def agency_urls(urls: dict[str, str], name: str, agency_ids: list[str]) -> list[str]:
    if name == "Datasette":
        return [f"{urls[name]}/g287/agencies?agency_id={a}" for a in agency_ids]
    return [f"{urls[name]}/agencies/{a}" for a in agency_ids]


def run_wrk(urls: list[str], clients: int, seconds: float, work: Path) -> dict | None:
    """wrk over ``urls`` in turn (Lua script); None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    script = work / "urls.lua"
    paths = ", ".join(json.dumps(httpx.URL(u).raw_path.decode()) for u in urls)
    script.write_text(f"paths = {{{paths}}}\ncounter = 0\n"
                      "request = function()\n  counter = counter + 1\n"
                      "  return wrk.format('GET', paths[(counter % #paths) + 1], {['Accept-Language'] = 'en'})\nend\n"
                      "done = function(summary, latency, requests)\n"
                      "  io.write(string.format('RESULT %d %d %.1f %.1f %.3f\\n', summary.requests, "
                      "summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout, "
                      "latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))\nend\n")
    base = httpx.URL(urls[0])
    out = subprocess.run([wrk, "-t2", f"-c{clients}", f"-d{seconds:g}s", "-s", str(script),
                          f"http://{base.host}:{base.port}"], capture_output=True, text=True, check=True).stdout
    requests, errors, p50, p99, duration = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    if int(errors):
        raise SystemExit(f"wrk saw {errors} errors against {base}")
    return {"requests": int(requests), "p50_ms": float(p50), "p99_ms": float(p99),
            "rps": int(requests) / float(duration)}


def row(lookup: str, server: str, result: dict) -> None:
    print(f"{lookup:<30} {server:<18} {result['requests']:>9} {result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f} "
          f"{result['rps']:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--urls", type=int, default=1000, help="distinct agency pages")
    parser.add_argument("--workers", type=int, default=1, help="g287 serve processes")
    args = parser.parse_args()

    import g287

    work = Path(tempfile.mkdtemp(prefix="g287-web-load-"))
    (work / "home").mkdir()
    g287.export("sqlite", work, home=work / "home")
    started = time.perf_counter()
    report = g287.api.publish(work / "site", home=work / "home")
    print(f"g287 publish of the bundled ledger: {report.made:,} files in {time.perf_counter() - started:.1f} s")
    with g287.connect(home=work / "home") as con:
        agency_ids = [r[0] for r in con.execute("SELECT agency_id FROM agencies ORDER BY agency_id").fetchall()]
    agency_ids = agency_ids[:: max(len(agency_ids) // args.urls, 1)][: args.urls]

    servers = Servers(work, args.workers)
    try:
        urls = servers.start()
        print(f"{args.clients} concurrent clients, {len(agency_ids)} distinct agency pages, {args.seconds:g} s per "
              f"repeat, loopback, {os.cpu_count()} CPUs; g287 serve --workers {args.workers}; Datasette over the "
              "exported SQLite (immutable)")
        print(f"{'lookup':<30} {'server':<18} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>9}")
        for name in urls:
            pages = agency_urls(urls, name, agency_ids)
            row("agency page, first visit", name, asyncio.run(drive(pages, args.clients, None)))
            row("agency page, repeat", name, asyncio.run(drive(pages, args.clients, args.seconds)))
        counts = {name: [f"{url}/api/v1/counts"] for name, url in urls.items() if name != "Datasette"}
        counts["Datasette"] = [str(httpx.URL(f"{urls['Datasette']}/g287.json",
                                             params={"sql": COUNTS_SQL, "_shape": "array"}))]
        for name, target in counts.items():
            asyncio.run(drive(target, 1, None))
            row("counts, repeat", name, asyncio.run(drive(target, args.clients, args.seconds)))
        if shutil.which("wrk"):
            print(f"wrk -t2 -c{args.clients} -d{args.seconds:g}s over the same {len(agency_ids)} agency pages in turn, "
                  "fresh servers (the first pass is every page's first visit)")
            urls = servers.start()
            for name in urls:
                row("agency page, wrk", name, run_wrk(agency_urls(urls, name, agency_ids), args.clients,
                                                     args.seconds, work))
        else:
            print("wrk is not installed (apt-get install wrk): its figures are left out")
    finally:
        servers.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
