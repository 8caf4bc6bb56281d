"""One batch of reaction events, stored: the reactions it leaves, then the votes they make.

The announcement's 👍/👎 is a flag on the vote row itself (`on_announcement`); a digest's
numbered reaction is a row of its own (`vote_reaction`). A vote exists while its flag is
set or one of its digest reactions is stored. Most events are on announcements, so most
batches read the votes once and write each vote row once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from db.repositories import VoteRepository, VoteTarget

VoteKey = tuple[int, int, int]  # (venue, member, value)
ReactionKey = tuple[int, int, str]  # (message, member, emoji)
ANNOUNCEMENT_EMOJIS = frozenset({"👍", "👎"})


@dataclass(frozen=True, slots=True)
class Wanted:
    """The state a batch leaves one reaction in (its last event decides)."""

    present: bool
    venue: VoteTarget
    value: int


@dataclass(slots=True)
class _Split:
    #: Announcement reactions: per vote, whether its flag should stand.
    flags: dict[VoteKey, bool]
    #: Digest reactions: per reaction key, whether it should stand, and its vote.
    digest: dict[ReactionKey, tuple[bool, VoteKey]]
    #: Every vote concerned, in the order of its last event.
    keys: list[VoteKey]
    guild_of: dict[int, int]


def _split(wanted: Mapping[ReactionKey, Wanted]) -> _Split:
    split = _Split({}, {}, [], {})
    for (message_id, member_id, emoji), want in wanted.items():
        vote = (want.venue.id, member_id, want.value)
        split.guild_of[want.venue.id] = want.venue.guild_id
        if emoji in ANNOUNCEMENT_EMOJIS:
            split.flags[vote] = want.present
        else:
            split.digest[(message_id, member_id, emoji)] = (want.present, vote)
    split.keys = list(dict.fromkeys((w.venue.id, k[1], w.value) for k, w in wanted.items()))
    return split


async def _digest_reactions(
    votes: VoteRepository, split: _Split
) -> tuple[set[VoteKey], set[VoteKey]]:
    """Store and remove the digest reactions; the votes that gained one, and lost one."""
    if not split.digest:
        return set(), set()
    present = await votes.reactions(list(split.digest))
    reacted = await votes.add_reactions(
        [
            (key, (split.guild_of[vote[0]], vote[0], vote[2]))
            for key, (want, vote) in split.digest.items()
            if want and key not in present
        ]
    )
    unreacted = await votes.remove_reactions(
        [(key, vote) for key, (want, vote) in split.digest.items() if not want and key in present]
    )
    return set(reacted), set(unreacted)


async def store(votes: VoteRepository, wanted: Mapping[ReactionKey, Wanted]) -> set[VoteKey]:
    """Leave each reaction of `wanted` (ordered by its last event) as it says, then the
    votes as their reactions make them; the votes really added or removed."""
    split = _split(wanted)
    stored = await votes.existing(split.keys)
    reacted, unreacted = await _digest_reactions(votes, split)

    def flag(key: VoteKey) -> bool:
        if key in split.flags:
            return split.flags[key]
        return key in stored and stored[key][1]

    # A stored vote that loses its flag or a digest reaction, and gains no reaction in
    # this batch, stays only if another digest reaction of it is stored.
    unsure = [
        key
        for key in split.keys
        if key in stored
        and not flag(key)
        and key not in reacted
        and ((key in split.flags and stored[key][1]) or key in unreacted)
    ]
    supported = await votes.supported(unsure) if unsure else set()
    dropped = set(unsure) - supported
    inserts, deletes, flips = [], [], []
    for key in split.keys:
        if key not in stored:
            if flag(key) or key in reacted:
                inserts.append((split.guild_of[key[0]], *key, flag(key)))
        elif key in dropped:
            deletes.append((stored[key][0], key))
        elif flag(key) != stored[key][1]:
            flips.append((stored[key][0], flag(key)))
    added = await votes.insert(inserts)
    removed = await votes.delete(deletes)
    await votes.set_on_announcement(flips)
    delta: dict[int, int] = {}
    for venue_id, _, value in added:
        delta[venue_id] = delta.get(venue_id, 0) + value
    for venue_id, _, value in removed:
        delta[venue_id] = delta.get(venue_id, 0) - value
    await votes.shift_net(delta)
    return set(added) | set(removed)
