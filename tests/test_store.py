"""The history store: drafts that survive crashes, safe sharing, and files it must not harm."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sqlite3
import stat
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from kamcli.errors import ExitCode, NotFoundError, StoreError
from kamcli.store import Store
from kamcli.store_file import SCHEMA_VERSION
from kamcli.store_record import AssessmentRecord

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
MODEL = {"model_id": "kam-default", "model_version": "1.0", "model_hash": "sha256:abc"}


def draft_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "person": "Li Wei",
        "account": "Acme",
        "stage": "mid",
        "lang": "en",
        **MODEL,
    }
    return {**fields, **overrides}


def complete_fields(n: int, **overrides: Any) -> dict[str, Any]:
    fields = draft_fields(person=f"Person {n}", answers={"q1": n % 5 + 1, "q2": None})
    return {**fields, "result": {"overall": n, "note": "完成"}, **overrides}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home" / "kam"
    monkeypatch.setenv("KAM_HOME", str(home))
    return home


@pytest.fixture
def store(home: Path) -> Any:
    with Store.open_default() as opened:
        yield opened


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- location and permissions -----------------------------------------------------------------


def test_default_path_honours_kam_home(home: Path) -> None:
    assert Store.default_path() == home / "history.db"


def test_default_path_without_kam_home_is_the_platform_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KAM_HOME", raising=False)
    assert Store.default_path() == Path(platformdirs.user_data_dir("kamcli")) / "history.db"


def test_new_store_folder_is_0700_and_file_is_0600(home: Path) -> None:
    old_umask = os.umask(0)  # a permissive umask must not widen what we create
    try:
        Store.open_default().close()
    finally:
        os.umask(old_umask)
    assert mode_of(home) == 0o700
    assert mode_of(home / "history.db") == 0o600


def test_existing_world_readable_file_is_narrowed_to_0600(home: Path) -> None:
    Store.open_default().close()
    (home / "history.db").chmod(0o644)
    Store.open_default().close()
    assert mode_of(home / "history.db") == 0o600


def test_schema_is_v1_in_wal_mode(store: Store) -> None:
    assert SCHEMA_VERSION == 1
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"assessments", "answers"} <= tables
    finally:
        raw.close()


def test_reopening_does_not_migrate_again(store: Store) -> None:
    draft = store.create_draft(**draft_fields())
    with Store(store.path) as again:
        assert again.get(draft).person == "Li Wei"


# -- drafts, answers, completion --------------------------------------------------------------


def test_draft_answers_resume_and_complete(store: Store) -> None:
    draft = store.create_draft(**draft_fields(rater="manager", subject="Li Wei"))
    store.save_answer(draft, "q3", 4, position=1)
    store.save_answer(draft, "q1", None, position=2)  # skipped
    store.save_answer(draft, "q3", 2)  # changed: keeps its place, position unchanged
    store.close()

    with Store.open_default() as reopened:
        record = reopened.get(draft)
        assert record.status == "draft"
        assert list(record.answers.items()) == [("q3", 2), ("q1", None)]
        assert record.position == 2
        assert (record.rater, record.subject, record.lang) == ("manager", "Li Wei", "en")
        assert record.result is None
        assert [r.id for r in reopened.drafts()] == [draft]
        assert reopened.latest() is None

        reopened.complete(draft, {"overall": 3.5, "label": "差距"})
        done = reopened.get(draft)
        assert done.status == "complete"
        assert done.result == {"overall": 3.5, "label": "差距"}
        assert reopened.drafts() == []
        assert reopened.latest() == done
        with pytest.raises(StoreError, match="already complete"):
            reopened.save_answer(draft, "q2", 1)


def test_timestamps_are_iso_utc_seconds(store: Store) -> None:
    record = store.get(store.create_draft(**draft_fields()))
    assert record.created_at == record.updated_at
    assert len(record.created_at) == len("2024-01-01T00:00:00Z")
    assert record.created_at[10] == "T"
    assert record.created_at.endswith("Z")


def test_update_draft_changes_only_given_fields(store: Store) -> None:
    draft = store.create_draft(**draft_fields())
    store.update_draft(draft, person=None, position=7)
    record = store.get(draft)
    assert (record.person, record.account, record.stage, record.position) == (
        None,
        "Acme",
        "mid",
        7,
    )
    store.update_draft(draft, stage="partnership")
    assert (store.get(draft).stage, store.get(draft).position) == ("partnership", 7)


def test_forget_answer_removes_only_that_answer(store: Store) -> None:
    draft = store.create_draft(**draft_fields())
    for item, value in (("a", 1), ("b", 2), ("c", 3)):
        store.save_answer(draft, item, value)
    store.forget_answer(draft, "b")
    store.save_answer(draft, "b", 5)  # answered again: now last
    assert list(store.get(draft).answers.items()) == [("a", 1), ("c", 3), ("b", 5)]


def _answer_then_crash(path: str) -> None:
    """A questionnaire killed mid-way: answers saved one by one, never completed or closed."""
    store = Store(Path(path))
    draft = store.create_draft(**draft_fields())
    for n, item in enumerate(("q1", "q2", "q3")):
        store.save_answer(draft, item, n + 1, position=n + 1)
    os._exit(0)


def test_draft_answers_survive_a_crash(home: Path) -> None:
    path = home / "history.db"
    child = multiprocessing.get_context("spawn").Process(target=_answer_then_crash, args=(path,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    with Store(path) as reopened:
        (draft,) = reopened.drafts()
        assert draft.answers == {"q1": 1, "q2": 2, "q3": 3}
        assert draft.position == 3


# -- complete saves, listing, export, delete --------------------------------------------------


def test_save_complete_and_list_newest_first_with_filters(store: Store) -> None:
    first = store.save_complete(**complete_fields(1, person="Zoë"))
    draft = store.create_draft(**draft_fields(person="ZOË"))
    third = store.save_complete(**complete_fields(3, person="Other"))

    assert [r.id for r in store.list()] == [third, draft, first]
    assert [r.id for r in store.list(person="zoë")] == [draft, first]  # Unicode case-insensitive
    assert [r.id for r in store.list(person="zoë", status="complete")] == [first]
    assert [r.id for r in store.list(status="draft")] == [draft]
    assert store.latest() == store.get(third)
    record = store.get(first)
    assert record.answers == {"q1": 2, "q2": None}
    assert record.position == 2
    assert record.result == {"overall": 1, "note": "完成"}


def test_save_many_complete_is_one_transaction(store: Store) -> None:
    ids = store.save_many_complete([complete_fields(n) for n in range(5)])
    assert ids == sorted(ids)
    assert len(set(ids)) == 5
    assert [store.get(i).person for i in ids] == [f"Person {n}" for n in range(5)]

    unserialisable = complete_fields(99, result={"bad": object()})
    with pytest.raises(TypeError):
        store.save_many_complete([complete_fields(10), unserialisable])
    assert len(store.list()) == 5  # the good record before the bad one was rolled back


def keyed(n: int, key: str) -> tuple[str, dict[str, Any]]:
    record = complete_fields(n)
    record["result"] = {**record["result"], "batch": {"respondent_id": f"R{n}", "key": key}}
    return key, record


def test_save_new_complete_stores_each_key_once_across_calls_and_stores(home: Path) -> None:
    """Insert if new (what `kam batch --save` re-runs rely on): a key already in history,
    whoever stored it, is skipped; a key repeated within one call is stored once."""
    first_key, second_key = "ab" * 16, "cd" * 16
    with Store.open_default() as store:
        assert store.save_new_complete([keyed(1, first_key), keyed(2, first_key)]) == 1
        assert store.save_new_complete([keyed(3, first_key), keyed(4, second_key)]) == 1
    with Store.open_default() as fresh:  # knows nothing yet: reads the stored keys
        assert fresh.save_new_complete([keyed(5, second_key), keyed(6, first_key)]) == 0
        people = sorted(r.person or "" for r in fresh.list())
    assert people == ["Person 1", "Person 4"]


def test_results_are_stored_as_readable_json_text(store: Store) -> None:
    saved = store.save_complete(**complete_fields(1))
    raw = sqlite3.connect(store.path)
    try:
        (text,) = raw.execute(
            "SELECT result_json FROM assessments WHERE id = ?", (saved,)
        ).fetchone()
    finally:
        raw.close()
    assert "完成" in text  # ensure_ascii=False
    assert json.loads(text) == {"overall": 1, "note": "完成"}


def test_export_is_oldest_first_and_json_ready(store: Store) -> None:
    first = store.save_complete(**complete_fields(1))
    draft = store.create_draft(**draft_fields())
    store.save_answer(draft, "q9", 4)
    exported = list(store.export())
    assert [e["id"] for e in exported] == [first, draft]
    assert exported[1]["answers"] == {"q9": 4}
    assert exported[0]["result"] == {"overall": 1, "note": "完成"}
    assert set(exported[0]) == set(AssessmentRecord.__dataclass_fields__)
    assert json.loads(json.dumps(exported, ensure_ascii=False)) == exported


def test_delete_removes_the_assessment_and_its_answers(store: Store) -> None:
    kept = store.save_complete(**complete_fields(1))
    gone = store.save_complete(**complete_fields(2))
    store.delete(gone)
    assert [r.id for r in store.list()] == [kept]
    raw = sqlite3.connect(store.path)
    try:
        orphans = raw.execute("SELECT count(*) FROM answers WHERE assessment_id = ?", (gone,))
        assert orphans.fetchone()[0] == 0
    finally:
        raw.close()
    with pytest.raises(NotFoundError):
        store.delete(gone)


def test_ids_are_never_reused_after_delete(store: Store) -> None:
    last = store.save_complete(**complete_fields(1))
    store.delete(last)
    assert store.save_complete(**complete_fields(2)) > last


@pytest.mark.parametrize(
    "action",
    [
        lambda s: s.get(42),
        lambda s: s.delete(42),
        lambda s: s.save_answer(42, "q1", 1),
        lambda s: s.forget_answer(42, "q1"),
        lambda s: s.update_draft(42, person="x"),
        lambda s: s.complete(42, {}),
    ],
)
def test_missing_ids_raise_not_found(store: Store, action: Any) -> None:
    with pytest.raises(NotFoundError) as caught:
        action(store)
    assert caught.value.message == f"No assessment with id 42 in {store.path}."
    assert caught.value.exit_code == ExitCode.NOT_FOUND


# -- files the store must refuse and leave alone ----------------------------------------------


def test_newer_schema_is_refused_untouched(home: Path) -> None:
    Store.open_default().close()
    path = home / "history.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = caught.value.message
    assert str(path) in message
    assert "written by a newer kamcli (schema v99, this version knows up to v1)" in message
    assert "upgrade kamcli" in message
    assert caught.value.exit_code == ExitCode.STORE
    assert path.read_bytes() == before


def test_corrupt_file_is_reported_and_left_byte_for_byte(home: Path) -> None:
    home.mkdir(parents=True)
    path = home / "history.db"
    junk = random.Random(7).randbytes(8192)
    path.write_bytes(junk)
    with pytest.raises(StoreError) as caught:
        Store.open_default()
    message = caught.value.message
    assert str(path) in message
    assert "left untouched" in message
    assert "move" in message
    assert "KAM_HOME" in message
    assert path.read_bytes() == junk
    assert sorted(p.name for p in home.iterdir()) == ["history.db"]  # no -wal/-shm either


def test_foreign_sqlite_database_is_not_adopted(home: Path) -> None:
    home.mkdir(parents=True)
    path = home / "history.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE notes (text TEXT)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a kamcli history store"):
        Store(path)
    assert path.read_bytes() == before


def test_read_only_store_can_be_read_but_writes_fail_clearly(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened read-only by SQLite itself, so this holds even when tests run as root."""
    draft = store.create_draft(**draft_fields())
    store.close()
    real_connect = sqlite3.connect

    def read_only_connect(path: Path, **kwargs: Any) -> sqlite3.Connection:
        return real_connect(f"file:{path}?mode=ro", uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)
    with Store(store.path) as read_only:
        assert read_only.get(draft).person == "Li Wei"
        with pytest.raises(StoreError) as caught:
            read_only.save_answer(draft, "q1", 3)
    assert str(store.path) in caught.value.message
    assert "read-only" in caught.value.message


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_read_only_file_on_write_raises_store_error(store: Store) -> None:
    draft = store.create_draft(**draft_fields())
    store.close()
    store.path.chmod(0o400)
    try:
        with Store(store.path) as again, pytest.raises(StoreError) as caught:
            again.save_answer(draft, "q1", 3)
        assert str(store.path) in caught.value.message
        assert mode_of(store.path) == 0o400  # narrowing permissions never adds write
    finally:
        store.path.chmod(0o600)


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_read_only_folder_raises_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError) as caught:
            Store(folder / "history.db")
        assert str(folder / "history.db") in caught.value.message
    finally:
        folder.chmod(0o700)


# -- concurrency ------------------------------------------------------------------------------


def _save_fifty(path: str, writer: int, start: Any) -> None:
    start.wait(30)
    with Store(Path(path)) as store:
        for n in range(50):
            store.save_complete(**complete_fields(n, person=f"writer {writer}"))


def test_two_processes_saving_at_once_keep_everything(home: Path) -> None:
    path = home / "history.db"  # not created yet: both processes race to create and migrate it
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=_save_fifty, args=(str(path), w, start)) for w in (1, 2)]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    with Store(path) as store:
        records = store.list()
        assert len(records) == 100
        assert len({r.id for r in records}) == 100
        for w in (1, 2):
            mine = store.list(person=f"writer {w}")
            assert sorted(r.result["overall"] for r in mine if r.result) == list(range(50))
