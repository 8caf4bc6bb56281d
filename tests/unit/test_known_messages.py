"""The vote path's memory of which messages take votes stays small."""

from __future__ import annotations

from bot.domain.votes import KnownMessages


def test_known_messages_keep_the_most_recently_seen() -> None:
    known = KnownMessages(size=3)
    known.add({1, 2, 3})
    known.add({1})  # seen again: now the most recent
    known.add({4})
    assert [m for m in (1, 2, 3, 4) if m in known] == [1, 3, 4]
    known.add({5, 6, 7, 8})
    assert sum(1 for m in range(9) if m in known) == 3
