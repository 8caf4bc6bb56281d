"""The playground's JSON API under `/play/api`: thin calls into the fake's own driver
(slash, autocomplete, click, submit_modal, react/unreact, post_as) and its records
(messages, synced commands, the clock). Nothing here knows the bot: the page shows what
the bot sent to the fake, as a member of the chosen locale would see it."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakediscord.driver.interactions import (
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    MODAL,
    NUMBER,
    ROLE,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER,
    FakeInteraction,
    ModalInputError,
    OptionError,
)
from tests.fakediscord.server import FakeDiscord
from tests.fakediscord.state import Guild, Message, User
from tests.fakediscord.state.messages import LOADING

STATIC = Path(__file__).parent / "static"
#: newest messages kept on the page per channel
PAGE_MESSAGES = 100
#: how long a command or click waits for the bot's first answer (Discord's deadline)
RESPONSE_SECONDS = 3.0


class PlayAPI:
    """The page and its API for one guild of a running fake."""

    def __init__(self, fake: FakeDiscord, guild: Guild) -> None:
        self.fake = fake
        self.guild = guild

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/play", self._index)
        app.router.add_get("/play/", self._index)
        app.router.add_static("/play/static", STATIC)
        app.router.add_get("/play/api/state", self._state)
        app.router.add_get("/play/api/messages", self._messages)
        app.router.add_get("/play/api/attachments/{message}/{index}/{name}", self._attachment)
        app.router.add_post("/play/api/command", self._command)
        app.router.add_post("/play/api/autocomplete", self._autocomplete)
        app.router.add_post("/play/api/click", self._click)
        app.router.add_post("/play/api/modal", self._modal)
        app.router.add_post("/play/api/react", self._react)
        app.router.add_post("/play/api/post", self._post)

    # -- reading ------------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _state(self, request: web.Request) -> web.Response:
        """The guild as the page lays it out: channels and threads, members with their
        roles, the commands the bot synced, and the clock."""
        guild = self.guild
        channels = [
            {"id": str(c.id), "name": c.name, "parent_id": None, "archived": False}
            for c in sorted(guild.channels.values(), key=lambda c: c.position)
        ] + [
            {
                "id": str(t.id),
                "name": t.name,
                "parent_id": str(t.parent_id),
                "archived": t.archived,
            }
            for t in sorted(guild.threads.values(), key=lambda t: t.id)
        ]
        members = [
            {
                "id": str(m.user.id),
                "name": m.user.username,
                "bot": m.user.bot,
                "roles": [guild.roles[r].name for r in m.roles if r in guild.roles],
            }
            for m in guild.members.values()
        ]
        roles = [
            {"id": str(r.id), "name": r.name} for r in guild.roles.values() if r.id != guild.id
        ]
        commands = [c for c in self.fake._commands_for(guild.id) if c.get("type", 1) == 1]
        return web.json_response(
            {
                "guild": {"id": str(guild.id), "name": guild.name},
                "channels": channels,
                "members": members,
                "roles": roles,
                "commands": commands,
                "clock": self.fake.now().isoformat(),
                "bot": str(self.fake.bot_user.id),
            }
        )

    async def _messages(self, request: web.Request) -> web.Response:
        """A channel's messages as `member` sees them: the others' ephemeral replies
        left out, the member's own marked, reactions counted with the member's own."""
        channel_id = int(request.query["channel"])
        member = int(request.query["member"])
        askers = {i.id: i for i in self.fake.interactions.values()}
        shown = []
        for message in sorted(self.fake.messages.values(), key=lambda m: m.id):
            if message.channel_id != channel_id or message.deleted:
                continue
            asked = askers.get(message.interaction_id) if message.interaction_id else None
            if message.ephemeral and (asked is None or asked.user.id != member):
                continue
            if asked is not None and message.flags & LOADING and _answered_later(message, asked):
                continue
            shown.append(self._message(message, asked, member))
        return web.json_response({"messages": shown[-PAGE_MESSAGES:]})

    def _message(
        self, message: Message, asked: FakeInteraction | None, member: int
    ) -> dict[str, Any]:
        data = message.to_dict(me=member)
        data["attachments"] = [
            {
                **{k: v for k, v in a.items() if k != "content"},
                "url": f"/play/api/attachments/{message.id}/{index}/{a['filename']}",
            }
            for index, a in enumerate(message.attachments)
        ]
        if asked is not None and asked.payload.get("data", {}).get("name"):
            data["interaction"] = {
                "user": asked.user.username,
                "command": _command_path(asked.payload["data"]),
            }
        return data

    async def _attachment(self, request: web.Request) -> web.Response:
        message = self.fake.messages.get(int(request.match_info["message"]))
        index = int(request.match_info["index"])
        if message is None or index >= len(message.attachments):
            raise web.HTTPNotFound()
        attachment = message.attachments[index]
        content_type = attachment.get("content_type") or ""
        if not content_type or content_type == "application/octet-stream":
            content_type = (
                mimetypes.guess_type(attachment["filename"])[0] or "application/octet-stream"
            )
        headers = {}
        if not content_type.startswith("image/"):
            headers["Content-Disposition"] = f'attachment; filename="{attachment["filename"]}"'
        return web.Response(body=attachment["content"], content_type=content_type, headers=headers)

    # -- acting as a member ---------------------------------------------------------------

    async def _command(self, request: web.Request) -> web.Response:
        body = await request.json()
        user, channel = self._user(body), self._channel(body)
        try:
            root, sub_path = self.fake._find_command(self.guild.id, body["command"])
            options = self._typed(_schema(root, sub_path), body.get("options") or {})
            interaction = await self.fake.slash(
                body["command"],
                guild=self.guild,
                user=user,
                in_channel=channel,
                locale=body.get("locale", "en-US"),
                **options,
            )
        except (OptionError, LookupError, ValueError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return await self._answered(interaction)

    async def _autocomplete(self, request: web.Request) -> web.Response:
        body = await request.json()
        try:
            root, sub_path = self.fake._find_command(self.guild.id, body["command"])
            others = {
                k: v
                for k, v in self._typed(_schema(root, sub_path), body.get("options") or {}).items()
                if k != body["option"]
            }
            choices = await self.fake.autocomplete(
                body["command"],
                body["option"],
                body.get("text", ""),
                guild=self.guild,
                user=self._user(body),
                in_channel=self._channel(body),
                locale=body.get("locale", "en-US"),
                **others,
            )
        except (OptionError, LookupError, ValueError, AssertionError) as exc:
            return web.json_response({"error": str(exc), "choices": []}, status=400)
        return web.json_response({"choices": choices})

    async def _click(self, request: web.Request) -> web.Response:
        body = await request.json()
        message = self.fake.messages.get(int(body["message"]))
        if message is None:
            return web.json_response({"error": "unknown message"}, status=404)
        try:
            interaction = await self.fake.click(
                message,
                body["custom_id"],
                user=self._user(body),
                locale=body.get("locale", "en-US"),
                component_type=int(body.get("component_type", 2)),
                values=body.get("values"),
            )
        except LookupError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return await self._answered(interaction)

    async def _modal(self, request: web.Request) -> web.Response:
        body = await request.json()
        opened_by = self.fake.interactions.get(body["token"])
        if opened_by is None or opened_by.user.id != int(body["member"]):
            return web.json_response({"error": "unknown modal"}, status=404)
        try:
            interaction = await self.fake.submit_modal(
                opened_by,
                body.get("values") or {},
                locale=body.get("locale"),
                validate=True,
            )
        except (ModalInputError, LookupError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return await self._answered(interaction)

    async def _react(self, request: web.Request) -> web.Response:
        """Toggle the member's reaction, as a click on a reaction does in Discord."""
        body = await request.json()
        message = self.fake.messages.get(int(body["message"]))
        if message is None:
            return web.json_response({"error": "unknown message"}, status=404)
        user, emoji = self._user(body), body["emoji"]
        if user.id in message.reactions.get(emoji, []):
            await self.fake.unreact(message, emoji, user)
        else:
            await self.fake.react(message, emoji, user)
        return web.json_response({"count": len(message.reactions.get(emoji, []))})

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        content = str(body.get("content", "")).strip()
        if not content:
            return web.json_response({"error": "empty message"}, status=400)
        message = await self.fake.post_as(self._user(body), self._channel(body), content[:2000])
        return web.json_response({"id": str(message.id)})

    async def _answered(self, interaction: FakeInteraction) -> web.Response:
        """The bot's first answer: a modal to show, or the message the page will poll."""
        result: dict[str, Any] = {"token": interaction.token}
        try:
            callback = await interaction.response(RESPONSE_SECONDS)
        except AssertionError:
            result["error"] = "The application did not respond"
            return web.json_response(result)
        if callback["type"] == MODAL:
            result["modal"] = callback["data"]
        return web.json_response(result)

    # -- helpers --------------------------------------------------------------------------

    def _user(self, body: dict[str, Any]) -> User:
        member = self.guild.members.get(int(body["member"]))
        if member is None:
            raise web.HTTPBadRequest(text="unknown member")
        return member.user

    def _channel(self, body: dict[str, Any]) -> Any:
        channel = self.fake.channel(int(body["channel"]))
        if channel is None:
            raise web.HTTPBadRequest(text="unknown channel")
        return channel

    def _typed(self, schema: list[dict[str, Any]], raw: dict[str, Any]) -> dict[str, Any]:
        """The page's text fields as the values Discord's client would send."""
        by_name = {o["name"]: o for o in schema}
        typed: dict[str, Any] = {}
        for name, value in raw.items():
            option = by_name.get(name)
            if option is None or value in (None, ""):
                typed[name] = value if option is None else None
                continue
            kind = option["type"]
            if kind == INTEGER:
                typed[name] = int(value)
            elif kind == NUMBER:
                typed[name] = float(value)
            elif kind == BOOLEAN:
                typed[name] = str(value).lower() in ("true", "1", "yes")
            elif kind == CHANNEL:
                typed[name] = self._channel({"channel": value})
            elif kind == ROLE:
                typed[name] = self.guild.roles[int(value)]
            elif kind in (USER, MENTIONABLE):
                typed[name] = self.guild.members[int(value)]
            else:
                typed[name] = str(value)
        return {k: v for k, v in typed.items() if v is not None}


def _answered_later(message: Message, asked: FakeInteraction) -> bool:
    """A deferred answer's loading message once a followup came: Discord's client
    shows the followup in its place."""
    return message.edited_at is None and any(m.id > message.id for m in asked.messages)


def _schema(root: dict[str, Any], sub_path: list[str]) -> list[dict[str, Any]]:
    schema = root.get("options", [])
    for name in sub_path:
        option = next((o for o in schema if o["name"] == name), {})
        schema = option.get("options", [])
    return schema


def _command_path(data: dict[str, Any]) -> str:
    parts = [data.get("name", "")]
    options = data.get("options") or []
    while options and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        parts.append(options[0]["name"])
        options = options[0].get("options") or []
    return " ".join(parts)
