"""Which respondent ids a batch has already scored, in memory that stays flat.

A Python set of 1M id strings costs ~100 MB, and even a set of 64-bit hash ints ~60 MB (an
int object plus a set slot per id), which breaks `kam batch`'s memory target. So ids are kept
as 64-bit hashes in a fixed open-addressing table: one `array('q')` of 2**18 slots (2 MiB,
allocated up front so 20 rows and 1M rows start alike), filled to half so probes stay short.
Past 131,072 ids the table moves into a temporary SQLite database on disk (deleted on close)
with a 1 MiB page cache, so memory stays flat at any size; lookups then cost a few µs each.

Hashes are Python's 64-bit string hash (salted per process, which is fine within one run).
Two different ids share a hash with probability ~n²/2**65: about 3 in 100 million at 1M ids.
Such a clash would reject a row as a duplicate — reported, never silent.
"""

from __future__ import annotations

import sqlite3
from array import array

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

    def _move_to_disk(self) -> None:
        assert self._table is not None
        disk = sqlite3.connect("", isolation_level=None)  # "": a private temporary file
        disk.execute("PRAGMA cache_size = -1024")
        disk.execute("PRAGMA journal_mode = OFF")
        disk.execute("PRAGMA synchronous = OFF")
        disk.execute("CREATE TABLE seen (hash INTEGER PRIMARY KEY)")
        disk.execute("BEGIN")
        disk.executemany(
            "INSERT INTO seen VALUES (?)", ((key,) for key in self._table if key != EMPTY)
        )
        disk.execute("COMMIT")
        self._disk = disk
        self._table = None
        self._disk.execute("BEGIN")

    def _add_on_disk(self, key: int) -> bool:
        assert self._disk is not None
        cursor = self._disk.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,))
        if cursor.rowcount == 0:
            return False
        self._count += 1
        return True

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
            self._disk = None
