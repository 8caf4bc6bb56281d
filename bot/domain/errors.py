"""Domain errors are values: a catalogue key plus the data its message needs."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the member should read: rendered from `key` in their language."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class InvalidInput(DomainError):
    """The member typed something the rules do not accept."""


class NotFound(DomainError):
    """The thing asked for does not exist in this guild (or is hidden)."""


class Forbidden(DomainError):
    """The member may not do this."""


class Conflict(DomainError):
    """The request clashes with existing data (a duplicate, say)."""
