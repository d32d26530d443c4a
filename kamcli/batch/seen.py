"""Which respondent ids a batch has already scored, in memory that stays flat.

A Python set of 1M id strings costs ~100 MB, and even a set of 64-bit hash ints ~60 MB (an
int object plus a set slot per id), which breaks `kam batch`'s memory target. So ids are kept
as 64-bit hashes in a fixed open-addressing table: one `array('q')` of 2**18 slots (2 MiB,
allocated up front so 20 rows and 1M rows start alike), filled to half so probes stay short.
Past 131,072 ids the table moves into a temporary SQLite database on disk (deleted on close)
with a 1 MiB page cache, so memory stays flat at any size; lookups then cost a few µs each
(random keys miss the small cache), and a block of ids (`add_all`) goes in with one
executemany rather than one statement each.

Hashes are Python's 64-bit string hash (salted per process, which is fine within one run).
Two different ids share a hash with probability ~n²/2**65: about 3 in 100 million at 1M ids.
Such a clash would reject a row as a duplicate — reported, never silent.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

TABLE_BITS = 18
TABLE_SLOTS = 1 << TABLE_BITS
MAX_IN_MEMORY = TABLE_SLOTS // 2
EMPTY = 0


class SeenIds:
    """add(id) tells whether the id is new; exact up to 64-bit hash clashes."""

    def __init__(self) -> None:
        self._table: array[int] | None = array("q", [EMPTY]) * TABLE_SLOTS
        self._mask = TABLE_SLOTS - 1
        self._count = 0
        self._disk: sqlite3.Connection | None = None
        self._batches = 0

    def __len__(self) -> int:
        return self._count

    def add(self, respondent_id: str) -> bool:
        """Record the id; True when it was not seen before."""
        key = hash(respondent_id) or 1
        table = self._table
        if table is None:
            return self._add_on_disk(key)
        mask = self._mask
        slot = key & mask
        while True:
            found = table[slot]
            if found == EMPTY:
                break
            if found == key:
                return False
            slot = (slot + 1) & mask
        table[slot] = key
        self._count += 1
        if self._count >= MAX_IN_MEMORY:
            self._move_to_disk()
        return True

    def add_all(self, respondent_ids: Sequence[str]) -> bool:
        """Record every id if none was seen before (nor twice among them): True; else record
        none of them (the table is left as it was) and return False, so the caller can go
        through them one at a time with `add`."""
        keys = list(map(hash, respondent_ids))
        if EMPTY in keys:
            keys = [key or 1 for key in keys]
        table = self._table
        if table is not None and self._count + len(keys) >= MAX_IN_MEMORY:
            self._move_to_disk()
            table = None
        if table is None:
            return self._add_all_on_disk(keys)
        mask = self._mask
        for index, key in enumerate(keys):
            slot = key & mask
            found = table[slot]
            while found:
                if found == key:
                    self._take_back(keys[:index])
                    return False
                slot = (slot + 1) & mask
                found = table[slot]
            table[slot] = key
        self._count += len(keys)
        return True

    def _take_back(self, keys: list[int]) -> None:
        """Empty the slots of the last keys stored, newest first: each is then the end of its
        probe chain, so the table becomes exactly what it was before them."""
        table, mask = self._table, self._mask
        assert table is not None
        for key in reversed(keys):
            slot = key & mask
            while table[slot] != key:
                slot = (slot + 1) & mask
            table[slot] = EMPTY

    def _move_to_disk(self) -> None:
        import sqlite3  # only runs of more than MAX_IN_MEMORY ids need it

        assert self._table is not None
        disk = sqlite3.connect("", isolation_level=None)  # "": a private temporary file
        disk.execute("PRAGMA cache_size = -1024")
        disk.execute("PRAGMA journal_mode = OFF")
        disk.execute("PRAGMA synchronous = OFF")
        # `batch`: which add_all stored the row (0: add), so a refused batch can be taken back
        # without a rollback journal
        disk.execute("CREATE TABLE seen (hash INTEGER PRIMARY KEY, batch INTEGER NOT NULL)")
        disk.execute("BEGIN")
        disk.executemany(
            "INSERT INTO seen VALUES (?, 0)", ((key,) for key in self._table if key != EMPTY)
        )
        disk.execute("COMMIT")
        self._disk = disk
        self._table = None
        self._disk.execute("BEGIN")

    def _add_on_disk(self, key: int) -> bool:
        assert self._disk is not None
        cursor = self._disk.execute("INSERT OR IGNORE INTO seen VALUES (?, 0)", (key,))
        if cursor.rowcount == 0:
            return False
        self._count += 1
        return True

    def _add_all_on_disk(self, keys: list[int]) -> bool:
        disk = self._disk
        assert disk is not None
        if len(set(keys)) != len(keys):
            return False
        self._batches += 1
        batch = self._batches
        cursor = disk.executemany(
            "INSERT OR IGNORE INTO seen VALUES (?, ?)", zip(keys, repeat(batch))
        )
        if cursor.rowcount != len(keys):  # some were there already: take the new ones back
            disk.executemany(
                "DELETE FROM seen WHERE hash = ? AND batch = ?", zip(keys, repeat(batch))
            )
            return False
        self._count += len(keys)
        return True

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
            self._disk = None
