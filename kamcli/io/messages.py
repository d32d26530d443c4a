"""Catalogue messages built from parts: a list joined by "; ", ids shown up to a limit.

The parts stay messages (kamcli.errors.Msg), so a sentence made of them is rendered in the
run's language as a whole; "; ".join(parts) would freeze it in English.
"""

from __future__ import annotations

from collections.abc import Sequence

from kamcli.errors import Msg, msg


def joined(parts: Sequence[Msg]) -> Msg:
    """The parts as one message, separated by "; " (in English)."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2  # halves: the nesting stays shallow however many parts
    return msg("errors_io.joined", head=joined(parts[:middle]), tail=joined(parts[middle:]))


def some_ids(ids: Sequence[str], limit: int = 8) -> str | Msg:
    """`a, b, c` or, past `limit`, the first ones `and N more`."""
    shown = ", ".join(ids[:limit])
    if len(ids) <= limit:
        return shown
    return msg("errors_io.ids_and_more", ids=shown, more=len(ids) - limit)
