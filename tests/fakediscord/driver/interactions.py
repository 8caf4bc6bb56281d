"""What members do through Discord's client: slash commands, autocomplete, clicks on
buttons and selects (in classic rows or Components V2 layouts), modal submits."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.fakediscord.rest.application import dm_channel_dict
from tests.fakediscord.state import Channel, Guild, Member, Message, User, World
from tests.fakediscord.validation.components import (
    CHECKBOX,
    CHECKBOX_GROUP,
    FILE_UPLOAD,
    LABEL,
    RADIO_GROUP,
    SELECTS,
    TEXT_DISPLAY,
    TEXT_INPUT,
    custom_ids,
    given,
    walk,
)

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
#: What the bot may do in a direct message: view, send, embed, attach, read history, react.
DM_APP_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 6)

# Application command option types
(
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    STRING,
    INTEGER,
    BOOLEAN,
    USER,
    CHANNEL,
    ROLE,
    MENTIONABLE,
    NUMBER,
) = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)

# Interaction callback types
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE = 1, 4, 5, 6
UPDATE_MESSAGE, AUTOCOMPLETE, MODAL = 7, 8, 9

# Interaction types
APPLICATION_COMMAND, MESSAGE_COMPONENT, APPLICATION_COMMAND_AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


class OptionError(ValueError):
    """An option Discord itself would refuse before the bot ever saw it."""


class ModalInputError(ValueError):
    """A modal submission Discord's client would not allow (a required field left
    empty, a value that is not one of the options, too many choices)."""


@dataclass
class FakeInteraction:
    """One interaction sent to the bot, and everything it answered."""

    server: FakeDiscord
    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user: User
    locale: str
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    #: messages created for this interaction: the response first, then followups
    messages: list[Message] = field(default_factory=list)
    original_id: int | None = None
    #: by the fake's clock; the token answers followups and edits for 15 minutes
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    responded: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def response(self, timeout: float = 3.0) -> dict[str, Any]:
        """The callback body; fails if the bot misses Discord's 3-second deadline."""
        try:
            await asyncio.wait_for(self.responded.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"interaction {self.payload.get('data', {}).get('name')} got no response "
                f"within {timeout} s"
            ) from None
        return self.callbacks[0]

    async def _wait_for(self, predicate: Callable[[], Any], timeout: float) -> Any:
        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(predicate), timeout)
            except TimeoutError:
                raise AssertionError(f"timed out; callbacks={self.callbacks}") from None
        return predicate()

    async def reply(self, timeout: float = 10.0) -> Message:
        """The message the member finally sees: the response message, or after a defer the
        first followup (or the edit of the loading message)."""
        callback = await self.response()
        if callback["type"] in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            return self.messages[0]
        if callback["type"] == DEFERRED_CHANNEL_MESSAGE:

            def ready() -> Message | None:
                if len(self.messages) > 1:
                    return self.messages[1]
                first = self.messages[0] if self.messages else None
                if first is not None and first.edited_at is not None:
                    return first
                return None

            return await self._wait_for(ready, timeout)
        raise AssertionError(f"the response is not a message: {callback}")

    async def followups(self, count: int, timeout: float = 10.0) -> list[Message]:
        return await self._wait_for(
            lambda: self.messages[1 : 1 + count] if len(self.messages) > count else None, timeout
        )

    @property
    def modal(self) -> dict[str, Any] | None:
        for callback in self.callbacks:
            if callback["type"] == MODAL:
                return callback["data"]
        return None


class Interactions(World):
    """The driver's interaction API (mixed into FakeDiscord)."""

    interactions: dict[str, FakeInteraction]

    dispatch: Callable[..., Awaitable[None]]

    def _commands_for(self, guild_id: int) -> list[dict[str, Any]]:
        return self.guild_commands.get(guild_id, []) + self.global_commands

    def _find_command(self, guild_id: int, path: str) -> tuple[dict[str, Any], list[str]]:
        root, *rest = path.split()
        for command in self._commands_for(guild_id):
            if command["name"] == root and command.get("type", 1) == 1:
                return command, rest
        raise LookupError(
            f"/{root} is not synced (synced: {[c['name'] for c in self._commands_for(guild_id)]})"
        )

    def _build_options(
        self,
        command: dict[str, Any],
        sub_path: list[str],
        values: dict[str, Any],
        *,
        focused: str | None,
        validate: bool,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Options shaped exactly as Discord would send them for this synced schema."""
        schema = command.get("options", [])
        nest: list[dict[str, Any]] = []
        for name in sub_path:
            option = next((o for o in schema if o["name"] == name), None)
            if option is None or option["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
                raise LookupError(f"no subcommand {name!r} in /{command['name']}")
            nest.append(option)
            schema = option.get("options", [])
        resolved: dict[str, Any] = {}
        leaf: list[dict[str, Any]] = []
        known = {o["name"]: o for o in schema}
        for name in values:
            if name not in known:
                raise OptionError(f"unknown option {name!r}; the command has {sorted(known)}")
        for option in schema:
            name = option["name"]
            if name not in values or values[name] is None:
                if validate and option.get("required") and focused is None:
                    raise OptionError(f"missing required option {name!r}")
                continue
            value = values[name]
            item: dict[str, Any] = {"name": name, "type": option["type"]}
            if focused == name:
                item["focused"] = True
                item["value"] = str(value)
            else:
                item["value"] = self._option_value(option, value, resolved, validate=validate)
            leaf.append(item)
        options = leaf
        for parent in reversed(nest):
            options = [{"name": parent["name"], "type": parent["type"], "options": options}]
        return options, resolved

    def _option_value(
        self, option: dict[str, Any], value: Any, resolved: dict[str, Any], *, validate: bool
    ) -> Any:
        kind = option["type"]
        if kind == STRING:
            if validate:
                if not isinstance(value, str):
                    raise OptionError(f"{option['name']}: expected a string")
                if len(value) < option.get("min_length", 0):
                    raise OptionError(f"{option['name']}: shorter than min_length")
                if "max_length" in option and len(value) > option["max_length"]:
                    raise OptionError(f"{option['name']}: longer than max_length")
            return value
        if kind in (INTEGER, NUMBER):
            if validate:
                if kind == INTEGER and (not isinstance(value, int) or isinstance(value, bool)):
                    raise OptionError(f"{option['name']}: expected an integer")
                if kind == NUMBER and not isinstance(value, int | float):
                    raise OptionError(f"{option['name']}: expected a number")
                if "min_value" in option and value < option["min_value"]:
                    raise OptionError(f"{option['name']}: below min_value")
                if "max_value" in option and value > option["max_value"]:
                    raise OptionError(f"{option['name']}: above max_value")
            return value
        if kind == BOOLEAN:
            return bool(value)
        if kind == CHANNEL:
            channel = value if isinstance(value, Channel) else self.channel(int(value))
            if channel is None:
                raise OptionError(f"{option['name']}: unknown channel")
            resolved.setdefault("channels", {})[str(channel.id)] = {
                **channel.to_dict(),
                "permissions": str(
                    self.guilds[channel.guild_id].permissions_of(self.bot_user.id, channel)
                ),
            }
            return str(channel.id)
        if kind == ROLE:
            role = value
            resolved.setdefault("roles", {})[str(role.id)] = role.to_dict()
            return str(role.id)
        if kind in (USER, MENTIONABLE):
            member = value if isinstance(value, Member) else None
            user = member.user if member else value
            resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
            if member is not None:
                data = member.to_dict()
                data.pop("user")
                resolved.setdefault("members", {})[str(user.id)] = data
            return str(user.id)
        raise OptionError(f"unsupported option type {kind}")

    def _base_interaction(
        self,
        kind: int,
        guild: Guild,
        channel: Channel,
        user: User,
        locale: str,
        data: dict[str, Any],
        message: Message | None = None,
    ) -> FakeInteraction:
        member = guild.members.get(user.id) or self.add_member(guild, user)
        interaction_id = self.ids.next()
        token = "itoken-" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
            "channel_id": str(channel.id),
            "channel": channel.to_dict(),
            "member": member.to_dict(permissions=guild.permissions_of(user.id, channel)),
            "token": token,
            "version": 1,
            "locale": locale,
            "guild_locale": guild.preferred_locale,
            "app_permissions": str(guild.permissions_of(self.bot_user.id, channel)),
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if message is not None:
            payload["message"] = message.to_dict(me=self.bot_user.id)
        interaction = FakeInteraction(
            server=self,
            id=interaction_id,
            token=token,
            type=kind,
            guild_id=guild.id,
            channel_id=channel.id,
            user=user,
            locale=locale,
            payload=payload,
            created_at=self.clock.now(),
        )
        self.interactions[token] = interaction
        return interaction

    async def slash(
        self,
        command: str,
        *,
        guild: Guild,
        user: User,
        in_channel: Channel | None = None,
        locale: str = "en-US",
        validate: bool = True,
        **options: Any,
    ) -> FakeInteraction:
        """Invoke `/command sub` as `user`. Options are checked against the synced schema
        as Discord's client would (`validate=False` sends what a hostile client could).
        The command runs in `in_channel` (default: the guild's first channel)."""
        channel = in_channel or next(iter(guild.channels.values()))
        root, sub_path = self._find_command(guild.id, command)
        built, resolved = self._build_options(
            root, sub_path, options, focused=None, validate=validate
        )
        data: dict[str, Any] = {
            "id": root["id"],
            "name": root["name"],
            "type": 1,
            "options": built,
            "guild_id": str(guild.id) if root.get("guild_id") else None,
        }
        if resolved:
            data["resolved"] = resolved
        interaction = self._base_interaction(
            APPLICATION_COMMAND, guild, channel, user, locale, data
        )
        await self.dispatch(guild.id, "INTERACTION_CREATE", interaction.payload)
        return interaction

    async def autocomplete(
        self,
        command: str,
        option: str,
        text: str,
        *,
        guild: Guild,
        user: User,
        in_channel: Channel | None = None,
        locale: str = "en-US",
        **others: Any,
    ) -> list[dict[str, Any]]:
        """Type `text` into `option`; returns the choices the bot suggested."""
        channel = in_channel or next(iter(guild.channels.values()))
        root, sub_path = self._find_command(guild.id, command)
        built, _ = self._build_options(
            root, sub_path, {**others, option: text}, focused=option, validate=False
        )
        data = {"id": root["id"], "name": root["name"], "type": 1, "options": built}
        interaction = self._base_interaction(
            APPLICATION_COMMAND_AUTOCOMPLETE, guild, channel, user, locale, data
        )
        await self.dispatch(guild.id, "INTERACTION_CREATE", interaction.payload)
        callback = await interaction.response()
        assert callback["type"] == AUTOCOMPLETE, callback
        return callback["data"]["choices"]

    async def click(
        self,
        message: Message,
        custom_id: str,
        *,
        user: User,
        locale: str = "en-US",
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> FakeInteraction:
        """Click a button (or pick in a select) on `message`, which must carry it."""
        ids = custom_ids(message.components)
        if custom_id not in ids:
            raise LookupError(f"{custom_id!r} is not on the message (it has {sorted(ids)})")
        if message.guild_id is None:
            return await self._click_in_dm(message, custom_id, user, locale, component_type)
        guild = self.guilds[message.guild_id]
        channel = self.channel(message.channel_id)
        assert channel is not None
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        interaction = self._base_interaction(
            MESSAGE_COMPONENT, guild, channel, user, locale, data, message
        )
        await self.dispatch(guild.id, "INTERACTION_CREATE", interaction.payload)
        return interaction

    async def _click_in_dm(
        self, message: Message, custom_id: str, user: User, locale: str, component_type: int
    ) -> FakeInteraction:
        """A click in the bot's direct messages: no guild, the user instead of a member."""
        if self.dm_channels.get(message.channel_id) != user.id:
            raise LookupError("only the recipient sees a direct message")
        interaction_id = self.ids.next()
        token = "itoken-" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": MESSAGE_COMPONENT,
            "data": {"custom_id": custom_id, "component_type": component_type},
            "channel_id": str(message.channel_id),
            "channel": dm_channel_dict(message.channel_id, user),
            "user": user.to_dict(),
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(DM_APP_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "message": message.to_dict(me=self.bot_user.id),
        }
        interaction = FakeInteraction(
            server=self,
            id=interaction_id,
            token=token,
            type=MESSAGE_COMPONENT,
            guild_id=None,
            channel_id=message.channel_id,
            user=user,
            locale=locale,
            payload=payload,
            created_at=self.clock.now(),
        )
        self.interactions[token] = interaction
        await self.dispatch(0, "INTERACTION_CREATE", payload)
        return interaction

    async def submit_modal(
        self,
        opened_by: FakeInteraction,
        values: dict[str, Any],
        *,
        locale: str | None = None,
        validate: bool = False,
    ) -> FakeInteraction:
        """Submit the modal the bot opened in answer to `opened_by`, as Discord sends it.

        `values` maps custom ids to what the member entered: text for a text input, the
        chosen value for a radio group (or None), a list of values for selects, checkbox
        groups and file uploads, a bool for a checkbox. Fields left out keep their
        default. With `validate`, what Discord's client would not let through (a required
        field left empty, a value that is not an option) raises ModalInputError."""
        modal = opened_by.modal
        if modal is None:
            raise LookupError(f"no modal was opened: {opened_by.callbacks}")
        known = {c["custom_id"] for c in walk(modal.get("components", [])) if "custom_id" in c}
        unknown = set(values) - known
        if unknown:
            raise LookupError(f"{sorted(unknown)} are not in the modal (it has {sorted(known)})")
        guild = self.guilds[opened_by.guild_id]
        channel = self.channel(opened_by.channel_id)
        assert channel is not None
        submitted = [
            _submitted(component, values, validate) for component in modal.get("components", [])
        ]
        data = {"custom_id": modal["custom_id"], "components": submitted}
        message = None
        if opened_by.payload.get("message"):
            message = self.messages.get(int(opened_by.payload["message"]["id"]))
        interaction = self._base_interaction(
            MODAL_SUBMIT, guild, channel, opened_by.user, locale or opened_by.locale, data, message
        )
        await self.dispatch(guild.id, "INTERACTION_CREATE", interaction.payload)
        return interaction


def _submitted(component: dict[str, Any], values: dict[str, Any], validate: bool) -> dict[str, Any]:
    """One top-level modal component as MODAL_SUBMIT carries it."""
    kind = component.get("type")
    if kind == TEXT_DISPLAY:
        return {
            "type": TEXT_DISPLAY,
            "id": component.get("id", 0),
            "content": component.get("content", ""),
        }
    if kind == LABEL:
        child = component["component"]
        return {
            "type": LABEL,
            "id": component.get("id", 0),
            "component": _input(child, values, validate),
        }
    row = [_input(child, values, validate) for child in component.get("components", [])]
    return {"type": 1, "components": row}


def _input(component: dict[str, Any], values: dict[str, Any], validate: bool) -> dict[str, Any]:
    kind, custom_id = component["type"], component["custom_id"]
    entered = values.get(custom_id)
    base: dict[str, Any] = {"type": kind, "custom_id": custom_id, "id": component.get("id", 0)}
    required = given(component, "required", kind != CHECKBOX)
    options = [o["value"] for o in component.get("options", [])]
    if kind == TEXT_INPUT:
        value = (component.get("value") or "") if entered is None else str(entered)
        if validate:
            low, high = given(component, "min_length", 0), given(component, "max_length", 4000)
            if (required and not value) or (value and not low <= len(value) <= high):
                raise ModalInputError(f"{custom_id}: {value!r} outside {low}..{high} characters")
        return {**base, "value": value}
    if kind == RADIO_GROUP:
        default = next((o["value"] for o in component.get("options", []) if o.get("default")), None)
        value = default if entered is None else entered
        if validate and (
            (required and value is None) or (value is not None and value not in options)
        ):
            raise ModalInputError(f"{custom_id}: {value!r} is not one of {options}")
        return {**base, "value": value}
    if kind == CHECKBOX:
        value = bool(given(component, "default", False) if entered is None else entered)
        return {**base, "value": value}
    if kind in (*SELECTS, CHECKBOX_GROUP, FILE_UPLOAD):
        chosen = (
            list(entered)
            if entered is not None
            else [o["value"] for o in component.get("options", []) if o.get("default")]
        )
        if validate:
            low = given(component, "min_values", 1 if required and kind != CHECKBOX_GROUP else 0)
            high = given(component, "max_values", len(options) if kind == CHECKBOX_GROUP else 1)
            if not low <= len(chosen) <= high or (options and not set(chosen) <= set(options)):
                raise ModalInputError(
                    f"{custom_id}: {chosen!r} (choose {low}..{high} of {options})"
                )
        return {**base, "values": chosen}
    raise ModalInputError(f"{custom_id}: component type {kind} cannot be submitted")
