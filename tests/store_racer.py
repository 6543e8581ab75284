"""A racing process of tests/test_store_contract.py, in a module of its own: each of the 32 spawned
processes imports only this and the store, not the test module with everything it imports."""
from __future__ import annotations


def race(url: str, start, results, slot: int, rounds: int) -> None:
    """In each round, once every racer is ready, save the round's next version of the clause `raced`;
    put (round, slot, "won" or the refusal's code) on `results`."""
    from bidkit.errors import ConflictError
    from bidkit.model import NewVersion
    from bidkit.store.pg_store import PgStore

    with PgStore(url) as db:
        for round_no in range(1, rounds + 1):
            draft = NewVersion(id="raced", category="response", title="竞速", text=f"第{round_no}轮 {slot}。",
                               based_on=round_no)
            # (every racer is past its save of the round before: that round's winner is committed)
            start.wait()
            try:
                db.new_version(draft, f"writer-{slot}")
                results.put((round_no, slot, "won"))
            except ConflictError as exc:
                results.put((round_no, slot, exc.code))
            except Exception as exc:  # noqa: BLE001 -- any other outcome is what the test must see
                results.put((round_no, slot, repr(exc)))
