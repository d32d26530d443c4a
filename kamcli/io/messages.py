"""Catalogue messages built from parts: a list joined by "; ", ids shown up to a limit.

The parts stay messages (kamcli.errors.Msg), so a sentence made of them is rendered in the
run's language as a whole; "; ".join(parts) would freeze it in English.
"""

from __future__ import annotations

from collections.abc import Sequence

from kamcli.errors import Msg, MsgList, msg


def joined(parts: Sequence[Msg]) -> Msg:
    """The parts as one message, separated by "; " (in English)."""
    return parts[0] if len(parts) == 1 else MsgList("errors_scoring.separator", parts)


def some_ids(ids: Sequence[str], limit: int = 8) -> str | Msg:
    """`a, b, c` or, past `limit`, the first ones `and N more`."""
    shown = ", ".join(ids[:limit])
    if len(ids) <= limit:
        return shown
    return msg("errors_io.ids_and_more", ids=shown, more=len(ids) - limit)
