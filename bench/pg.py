"""The PostgreSQL store's figures for `make bench`, and the workers of the load run (bench/pg_load.py).

Each run starts its own throwaway server with tests/pg_server.py (fsync off, as the tests run it:
the figures are the app's and the queries' cost, not a disk's). Workers are processes, as the
app's instances are, so that one interpreter's lock does not stand in for the database's.
"""
from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from bidkit import library
from bidkit.model import Bid, NewVersion
from bidkit.store import pg_connect, pg_schema
from bidkit.store.pg_store import PgStore
from tests import pg_server

WRITERS = 16
SAVES_PER_WRITER = 20
STAMP_QUERIES = 1_000
COLD_LOADS = 3
WRITER_CATEGORY = "warranty"  # a category both the shipped and the benchmark libraries have


@contextmanager
def database(root: Path) -> Iterator[str]:
    """The URL of a new, upgraded database holding the library folder at `root`, on a server of its own."""
    server = pg_server.start()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        url = server.url("bench")
        with pg_connect.connect(url, autocommit=True) as conn:
            pg_schema.upgrade(conn)
        with PgStore(url) as store:
            store.import_folder(root, "bench")
        yield url
    finally:
        server.stop()


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


# -- workers (processes; each with a store of its own, as each app instance has)

def _worker(url: str, role: str, slot: int, start, seconds: float | None, saves: int | None, queue) -> None:
    """Save (role "writer": next versions of its own clause, and with role "mixed" its own bid too)
    or load the library (role "reader") for `seconds` or `saves` turns; put its record on `queue`."""
    times: dict[str, list[float]] = {"version": [], "bid": [], "load": []}
    acked: dict[str, object] = {"versions": [], "bid": None}
    errors: list[str] = []
    with PgStore(url) as store:
        clause_id, bid_name, latest, revision = f"load-{role}-{slot}", f"load-bid-{slot}", 0, None
        start.wait()
        stop_at = None if seconds is None else time.time() + seconds
        turn = 0
        while (stop_at is None or time.time() < stop_at) and (saves is None or turn < saves):
            turn += 1
            began = time.perf_counter()
            try:
                if role == "reader":
                    store.load_library()
                    times["load"].append(time.perf_counter() - began)
                elif role == "mixed" and turn % 2 == 0:
                    bid = Bid(project=f"负载项目{slot}第{turn}次")
                    revision = store.save("bid", bid_name, bid, revision, f"writer-{slot}").revision
                    times["bid"].append(time.perf_counter() - began)
                    acked["bid"] = (bid_name, revision, bid.project)
                else:
                    draft = NewVersion(id=clause_id, category=WRITER_CATEGORY, title=f"负载条款{slot}",
                                       text=f"第{latest + 1}版。", based_on=latest)
                    latest = store.new_version(draft, f"writer-{slot}").version
                    times["version"].append(time.perf_counter() - began)
                    acked["versions"].append(latest)
            except Exception as exc:  # counted and reported: the load run's verdict is the error count
                errors.append(f"{type(exc).__name__}: {exc}")
    queue.put({"role": role, "slot": slot, "clause": clause_id, "times": times, "acked": acked, "errors": errors})


def run_workers(url: str, writers: int, readers: int, *, seconds: float | None = None,
                saves: int | None = None, mixed: bool = False) -> list[dict]:
    """Run the workers from one start (a barrier) and give their records."""
    ctx = multiprocessing.get_context("forkserver")
    # the server process imports the store once; forking it is cheaper than 32 interpreters importing it
    ctx.set_forkserver_preload(["bidkit.store.pg_store", "bench.pg"])
    roles = ["mixed" if mixed else "writer"] * writers + ["reader"] * readers
    queue, start = ctx.Queue(), ctx.Barrier(len(roles))
    procs = [ctx.Process(target=_worker, args=(url, role, slot, start, seconds, saves, queue))
             for slot, role in enumerate(roles)]
    for proc in procs:
        proc.start()
    records = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    return records


def lost_writes(url: str, records: list[dict]) -> list[str]:
    """Every save a worker was told succeeded that the database does not hold as it was acknowledged."""
    lost = []
    with psycopg.connect(url) as conn:
        for record in records:
            stored = {v for (v,) in conn.execute("SELECT version FROM versions WHERE clause_id = %s",
                                                 (record["clause"],))}
            lost += [f"{record['clause']} v{v}" for v in record["acked"]["versions"] if v not in stored]
            if record["acked"]["bid"]:
                name, revision, project = record["acked"]["bid"]
                row = conn.execute("SELECT revision::text, yaml FROM bids WHERE name = %s", (name,)).fetchone()
                if row is None or row[0] != revision or project not in row[1]:
                    lost.append(f"bid {name} revision {revision}")
    return lost


def times_of(records: list[dict], kind: str) -> list[float]:
    return [t for record in records for t in record["times"][kind]]


# -- the `make bench` rows

def benchmarks(root: Path) -> list[dict]:
    """pg_library_load, pg_save_p95 and pg_change_check on the library folder at `root`."""
    if pg_server.bindir() is None:
        return [{"name": "pg_*", "skipped": pg_server.INSTALL_HINT}]
    with database(root) as url:
        # interleaved, so that other load on the machine hits both alike
        folder_times, pg_times = [], []
        for _ in range(COLD_LOADS):
            began = time.perf_counter()
            library.load(root, use_cache=False)
            folder_times.append(time.perf_counter() - began)
            with PgStore(url) as store:  # a new store: no parse kept from a load before
                began = time.perf_counter()
                store.load_library()
                pg_times.append(time.perf_counter() - began)
        folder, pg = statistics.median(folder_times), statistics.median(pg_times)

        records = run_workers(url, WRITERS, 0, saves=SAVES_PER_WRITER)
        errors = [e for record in records for e in record["errors"]]
        saves = times_of(records, "version")

        with PgStore(url) as store:
            store.library_stamp()  # the pool's first connection is not what a rerun costs
            stamps = []
            for _ in range(STAMP_QUERIES):
                began = time.perf_counter()
                store.library_stamp()
                stamps.append(time.perf_counter() - began)
    return [
        {"name": "pg_library_load", "value": round(pg / folder, 2), "unit": "ratio", "target": 1.5,
         "seconds": round(pg, 3), "folder_seconds": round(folder, 3)},
        {"name": "pg_save_p95", "value": round(percentile(saves, 0.95), 4), "unit": "s", "target": "report",
         "writers": WRITERS, "saves": len(saves), "errors": len(errors), "median": round(statistics.median(saves), 4)},
        {"name": "pg_change_check", "value": round(statistics.median(stamps), 5), "unit": "s", "target": 0.005},
    ]
