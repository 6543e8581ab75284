"""`make pg-load`: 16 writers and 16 readers on one database for 60 s (issue 14, "Load and faults").

Writers save next versions of a clause and revisions of a bid, each its own; readers load the
library. At the end: the errors (must be none), the lost writes (every save a writer was told
succeeded must be in the database as acknowledged), and the p95 of a save and of a library load.
Exit status 1 when there were errors or lost writes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from bench import pg
from tests import pg_server

SHIPPED_LIBRARY = Path(__file__).resolve().parent.parent / "clause_library"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--library", type=Path, default=SHIPPED_LIBRARY, help="the library folder to import first")
    args = parser.parse_args(argv)
    if pg_server.bindir() is None:
        print(f"skipped: {pg_server.INSTALL_HINT}")
        return 0
    with pg.database(args.library) as url:
        records = pg.run_workers(url, args.writers, args.readers, seconds=args.seconds, mixed=True)
        lost = pg.lost_writes(url, records)
    errors = [f"{r['role']} {r['slot']}: {e}" for r in records for e in r["errors"]]
    print(f"{args.writers} writers, {args.readers} readers, {args.seconds:g} s, library {args.library}")
    for kind, label in (("version", "version save"), ("bid", "bid save"), ("load", "library load")):
        times = pg.times_of(records, kind)
        if times:
            print(f"{label:<14}{len(times):>7} done  median {statistics.median(times):.4f} s  "
                  f"p95 {pg.percentile(times, 0.95):.4f} s  max {max(times):.4f} s")
    print(f"errors: {len(errors)}")
    for line in errors[:20]:
        print(f"  {line}")
    print(f"lost writes: {len(lost)}")
    for line in lost[:20]:
        print(f"  {line}")
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
