"""Issue 10.8: many first runs at once against a new KAM_HOME must all keep their record."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from kamcli.errors import StoreError
from kamcli.store import Store
from tests.test_store import complete_fields

PROCESSES = 16
TRIALS = 6


def _first_run(path: str, n: int, start: Any, failures: Any) -> None:
    start.wait(30)
    try:
        with Store(Path(path)) as store:
            store.save_complete(**complete_fields(n, person=f"racer {n}"))
    except StoreError as exc:
        failures.put(exc.message)


@pytest.mark.slow
def test_many_first_runs_at_once_all_keep_their_record(tmp_path: Path) -> None:
    """The old code read user_version and sqlite_master in two statements, so a process
    could see the schema of another half-way and call the store foreign (exit 6)."""
    context = multiprocessing.get_context("fork")
    for trial in range(TRIALS):
        path = tmp_path / f"home{trial}" / "history.db"
        start, failures = context.Event(), context.Queue()
        racers = [
            context.Process(target=_first_run, args=(str(path), n, start, failures))
            for n in range(PROCESSES)
        ]
        for racer in racers:
            racer.start()
        start.set()
        for racer in racers:
            racer.join(120)
        messages = [failures.get() for _ in range(failures.qsize())]
        assert messages == [], f"trial {trial}: {messages}"
        assert [r.exitcode for r in racers] == [0] * PROCESSES
        with Store(path) as store:
            assert sorted(r.person or "" for r in store.list()) == sorted(
                f"racer {n}" for n in range(PROCESSES)
            )
        assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
