"""What Discord refuses when an application syncs its commands."""

from __future__ import annotations

import re
from typing import Any

from tests.fakediscord.rest.errors import FormError

_NAME = re.compile(r"^[-_\w]{1,32}$")


def check_command_schema(command: dict[str, Any]) -> None:
    """Bad names, descriptions over 100 characters, more than 25 options or choices."""

    def check(item: dict[str, Any], where: tuple[str | int, ...]) -> None:
        names = [item["name"], *(item.get("name_localizations") or {}).values()]
        for name in names:
            if not _NAME.match(name) or name != name.lower():
                raise FormError(
                    (*where, "name"), f"Invalid name {name!r}", "APPLICATION_COMMAND_INVALID_NAME"
                )
        descriptions = [
            item.get("description", ""),
            *(item.get("description_localizations") or {}).values(),
        ]
        for description in descriptions:
            if len(description) > 100:
                raise FormError(
                    (*where, "description"),
                    "Must be 100 or fewer in length.",
                    "BASE_TYPE_MAX_LENGTH",
                )
        options = item.get("options") or []
        if len(options) > 25:
            raise FormError(
                (*where, "options"), "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
            )
        for index, choice in enumerate(item.get("choices") or []):
            for label in [choice["name"], *(choice.get("name_localizations") or {}).values()]:
                if not 1 <= len(label) <= 100:
                    raise FormError(
                        (*where, "choices", index, "name"),
                        "Must be between 1 and 100 in length.",
                        "BASE_TYPE_BAD_LENGTH",
                    )
        for index, option in enumerate(options):
            check(option, (*where, "options", index))

    check(command, ())
