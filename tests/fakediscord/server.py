"""The fake Discord server: aiohttp REST + gateway, plus the injection API tests call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakediscord.model import (
    Channel,
    Guild,
    Member,
    Message,
    Permissions,
    Role,
    Snowflakes,
    User,
    iso,
)

log = logging.getLogger("fakediscord")

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway/"
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
ACK_DELAY = 0.02

# Gateway opcodes
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    9,
    10,
    11,
)
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10

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
) = (
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
)

# Interaction callback types
(
    PONG,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    UPDATE_MESSAGE,
    AUTOCOMPLETE,
    MODAL,
) = (
    1,
    4,
    5,
    6,
    7,
    8,
    9,
)


class OptionError(ValueError):
    """An option Discord itself would refuse before the bot ever saw it."""


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[dict[str, Any]]
    status: int
    implemented: bool

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.json.get("allowed_mentions") if isinstance(self.json, dict) else None

    @property
    def data(self) -> dict[str, Any]:
        """The message fields of a request (callbacks wrap them in `data`)."""
        if not isinstance(self.json, dict):
            return {}
        if "type" in self.json and "data" in self.json and "/callback" in self.path:
            return self.json["data"] or {}
        return self.json


@dataclass
class Fault:
    """Answer the next `times` requests matching `method` and `path` with `status`."""

    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeInteraction:
    """One interaction sent to the bot, and everything it answered."""

    server: FakeDiscord
    id: int
    token: str
    type: int
    guild_id: int
    channel_id: int
    user: User
    locale: str
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    #: messages created for this interaction: the response first, then followups
    messages: list[Message] = field(default_factory=list)
    original_id: int | None = None
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


@dataclass
class Session:
    id: str
    ws: web.WebSocketResponse | None
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    identify: dict[str, Any] = field(default_factory=dict)

    def owns(self, guild_id: int) -> bool:
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id


class FakeDiscord:
    """Serve REST on `http://127.0.0.1:PORT/api/v10` and a gateway on `/gateway/`."""

    def __init__(self, *, token: str = "fake-token", app_name: str = "Bonnes Places") -> None:
        self.token = token
        self.ids = Snowflakes()
        self.bot_user = User(id=self.ids.next(), username=app_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = User(id=self.ids.next(), username="owner")
        self.guilds: dict[int, Guild] = {}
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.messages: dict[int, Message] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_puts: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.sessions: dict[str, Session] = {}
        self.identified = asyncio.Condition()
        self.message_created = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.host = host
        return self

    async def stop(self) -> None:
        for session in list(self.sessions.values()):
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}{GATEWAY_PATH}"

    def env(self) -> dict[str, str]:
        """The environment that points the bot at this server."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }

    # -- world building ---------------------------------------------------------------

    def add_user(self, username: str, *, bot: bool = False) -> User:
        user = User(id=self.ids.next(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Guild",
        *,
        locale: str = "en-US",
        bot_permissions: int = Permissions.MEMBER_DEFAULT,
        shard: tuple[int, int] | None = None,
        guild_id: int | None = None,
        general_id: int | None = None,
    ) -> Guild:
        """A guild with a #general channel, the bot and the owner in it. With `shard`
        (shard id, shard count), its id is chosen so that it belongs to that shard."""
        guild_id = guild_id or self.ids.next()
        if shard is not None:
            while (guild_id >> 22) % shard[1] != shard[0]:
                guild_id += 1 << 22
        guild = Guild(id=guild_id, name=name, owner_id=self.owner.id, preferred_locale=locale)
        guild.roles[guild_id] = Role(
            id=guild_id, name="@everyone", permissions=Permissions.MEMBER_DEFAULT
        )
        bot_role = Role(
            id=self.ids.next(), name="Bonnes Places", permissions=bot_permissions, position=1
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot_user.id] = Member(
            user=self.bot_user, guild_id=guild_id, roles=[bot_role.id]
        )
        guild.members[self.owner.id] = Member(user=self.owner, guild_id=guild_id)
        self.guilds[guild_id] = guild
        self.add_channel(guild, "general", channel_id=general_id)
        return guild

    def add_channel(self, guild: Guild, name: str, channel_id: int | None = None) -> Channel:
        channel = Channel(
            id=channel_id or self.ids.next(),
            guild_id=guild.id,
            name=name,
            position=len(guild.channels),
        )
        guild.channels[channel.id] = channel
        return channel

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(
            id=self.ids.next(), name=name, permissions=permissions, position=len(guild.roles)
        )
        guild.roles[role.id] = role
        return role

    async def create_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        """Add a role while the bot is connected: it learns of it from GUILD_ROLE_CREATE."""
        role = self.add_role(guild, name, permissions)
        await self.dispatch(
            guild.id, "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_dict()}
        )
        return role

    async def create_channel(self, guild: Guild, name: str) -> Channel:
        """Add a channel while the bot is connected (CHANNEL_CREATE)."""
        channel = self.add_channel(guild, name)
        await self.dispatch(guild.id, "CHANNEL_CREATE", channel.to_dict())
        return channel

    async def update_channel(self, channel: Channel) -> None:
        """Tell the bot a channel changed (CHANNEL_UPDATE), e.g. after `deny`."""
        await self.dispatch(channel.guild_id, "CHANNEL_UPDATE", channel.to_dict())

    def add_member(
        self, guild: Guild, user: User | str, *, roles: list[Role] | None = None
    ) -> Member:
        if isinstance(user, str):
            user = self.add_user(user)
        member = Member(user=user, guild_id=guild.id, roles=[r.id for r in roles or []])
        guild.members[user.id] = member
        return member

    def add_message(
        self, channel: Channel, *, author: User | None = None, content: str = ""
    ) -> Message:
        """A message already in a channel (posted before the test, e.g. by the bot)."""
        message = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author or self.bot_user,
            content=content,
        )
        self.messages[message.id] = message
        return message

    def bot_role(self, guild: Guild) -> Role:
        return guild.roles[guild.members[self.bot_user.id].roles[0]]

    def channel(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return None

    # -- request record ---------------------------------------------------------------

    def unimplemented(self) -> list[RecordedRequest]:
        return [r for r in self.requests if not r.implemented]

    def requests_to(self, method: str, pattern: str) -> list[RecordedRequest]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.search(r.path)]

    def channel_messages(self, channel: Channel | int) -> list[Message]:
        channel_id = channel if isinstance(channel, int) else channel.id
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and not m.deleted and m.interaction_id is None
        ]

    async def wait_for_message(
        self, channel: Channel | int, count: int = 1, timeout: float = 10.0
    ) -> list[Message]:
        """Wait until the channel holds at least `count` messages the bot posted."""

        def enough() -> list[Message] | None:
            found = self.channel_messages(channel)
            return found if len(found) >= count else None

        async with self.message_created:
            await asyncio.wait_for(self.message_created.wait_for(enough), timeout)
        return enough() or []

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        code: int = 0,
        message: str = "",
        retry_after: float | None = None,
    ) -> None:
        """Make the next matching request(s) fail, e.g. 403 (code 50013) or 429."""
        body: dict[str, Any] = {"code": code, "message": message or f"fake {status}"}
        headers: dict[str, str] = {}
        if retry_after is not None:
            body.update(retry_after=retry_after, **{"global": False})
            headers["Retry-After"] = str(retry_after)
            headers["X-RateLimit-Scope"] = "user"
            # discord.py takes a 429 without Discord's proxy header for a Cloudflare ban.
            headers["Via"] = "1.1 google"
        self.faults.append(Fault(method, re.compile(path), status, body, times, headers))

    # -- REST -------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        payload, files = await self._read_body(request)
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=payload,
            files=files,
            status=0,
            implemented=True,
        )
        self.requests.append(record)
        if request.headers.get("Authorization") not in (f"Bot {self.token}", None):
            record.status = 401
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.method == request.method and fault.path.search(path):
                fault.times -= 1
                record.status = fault.status
                return _json(fault.body, fault.status, headers=fault.headers)
        for method, pattern, handler in self._routes():
            if method != request.method:
                continue
            match = pattern.fullmatch(path)
            if match:
                try:
                    status, body = await handler(request, payload, files, **match.groupdict())
                except _HTTPError as exc:
                    status, body = exc.status, {"code": exc.code, "message": exc.message}
                record.status = status
                if status == 204:
                    return web.Response(status=204)
                return _json(body, status)
        record.implemented = False
        record.status = 404
        log.warning("unimplemented route %s %s", request.method, path)
        return _json({"message": f"fake: no route {request.method} {path}", "code": 0}, 404)

    async def _read_body(self, request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if not request.can_read_body:
            return None, []
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    content = await part.read()  # type: ignore[union-attr]
                    files.append(
                        {
                            "field": part.name,  # type: ignore[union-attr]
                            "filename": part.filename,  # type: ignore[union-attr]
                            "content_type": part.headers.get("Content-Type"),
                            "content": bytes(content),
                        }
                    )
            return payload, files
        text = await request.text()
        return (json.loads(text) if text else None), []

    def _routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Any]]]:
        routes = getattr(self, "_compiled_routes", None)
        if routes is None:
            n = r"(?P<{}>\d+)"
            table = [
                ("GET", "/users/@me", self._get_me),
                ("GET", "/oauth2/applications/@me", self._get_application),
                ("GET", "/gateway", self._get_gateway),
                ("GET", "/gateway/bot", self._get_gateway_bot),
                ("GET", f"/applications/{n.format('app')}/commands", self._get_commands),
                ("PUT", f"/applications/{n.format('app')}/commands", self._put_commands),
                (
                    "GET",
                    f"/applications/{n.format('app')}/guilds/{n.format('guild')}/commands",
                    self._get_commands,
                ),
                (
                    "PUT",
                    f"/applications/{n.format('app')}/guilds/{n.format('guild')}/commands",
                    self._put_commands,
                ),
                (
                    "POST",
                    f"/interactions/{n.format('iid')}/(?P<token>[^/]+)/callback",
                    self._callback,
                ),
                ("POST", f"/webhooks/{n.format('app')}/(?P<token>[^/]+)", self._followup),
                (
                    "GET",
                    f"/webhooks/{n.format('app')}/(?P<token>[^/]+)/messages/(?P<mid>@original|\\d+)",
                    self._get_webhook_message,
                ),
                (
                    "PATCH",
                    f"/webhooks/{n.format('app')}/(?P<token>[^/]+)/messages/(?P<mid>@original|\\d+)",
                    self._edit_webhook_message,
                ),
                (
                    "DELETE",
                    f"/webhooks/{n.format('app')}/(?P<token>[^/]+)/messages/(?P<mid>@original|\\d+)",
                    self._delete_webhook_message,
                ),
                ("POST", f"/channels/{n.format('cid')}/messages", self._create_message),
                (
                    "GET",
                    f"/channels/{n.format('cid')}/messages/{n.format('mid')}",
                    self._get_message,
                ),
                (
                    "PATCH",
                    f"/channels/{n.format('cid')}/messages/{n.format('mid')}",
                    self._edit_message,
                ),
                (
                    "DELETE",
                    f"/channels/{n.format('cid')}/messages/{n.format('mid')}",
                    self._delete_message,
                ),
                (
                    "PUT",
                    f"/channels/{n.format('cid')}/messages/{n.format('mid')}/reactions/(?P<emoji>[^/]+)/@me",
                    self._add_own_reaction,
                ),
                (
                    "DELETE",
                    f"/channels/{n.format('cid')}/messages/{n.format('mid')}/reactions/(?P<emoji>[^/]+)/@me",
                    self._remove_own_reaction,
                ),
            ]
            routes = [(m, re.compile(p), h) for m, p, h in table]
            self._compiled_routes = routes
        return routes

    async def _get_me(self, *_: Any) -> tuple[int, Any]:
        return 200, self.bot_user.to_dict()

    async def _get_application(self, *_: Any) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.to_dict(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "bot": self.bot_user.to_dict(),
        }

    async def _get_gateway(self, *_: Any) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, *_: Any) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 16,
            },
        }

    async def _get_commands(
        self, _r: web.Request, _p: Any, _f: Any, app: str, guild: str | None = None
    ) -> tuple[int, Any]:
        if guild is None:
            return 200, self.global_commands
        return 200, self.guild_commands.get(int(guild), [])

    async def _put_commands(
        self, _r: web.Request, payload: Any, _f: Any, app: str, guild: str | None = None
    ) -> tuple[int, Any]:
        if int(app) != self.application_id:
            raise _HTTPError(403, 50001, "Missing Access")
        echoed = []
        for command in payload:
            _check_command_schema(command)
            echoed.append(
                {
                    **command,
                    "id": str(self.ids.next()),
                    "application_id": app,
                    "version": str(self.ids.next()),
                    "guild_id": guild,
                    "type": command.get("type", 1),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "dm_permission": command.get("dm_permission", True),
                    "nsfw": command.get("nsfw", False),
                }
            )
        if guild is None:
            self.global_commands = echoed
        else:
            self.guild_commands[int(guild)] = echoed
        self.command_puts.append((int(guild) if guild else None, echoed))
        return 200, echoed

    # interaction callbacks and webhooks

    def _interaction(self, token: str) -> FakeInteraction:
        interaction = self.interactions.get(token)
        if interaction is None:
            raise _HTTPError(404, 10015, "Unknown Webhook")
        return interaction

    async def _callback(
        self, _r: web.Request, payload: Any, files: list[dict[str, Any]], iid: str, token: str
    ) -> tuple[int, Any]:
        interaction = self._interaction(token)
        if interaction.id != int(iid):
            raise _HTTPError(404, 10062, "Unknown interaction")
        if interaction.callbacks:
            raise _HTTPError(400, 40060, "Interaction has already been acknowledged.")
        kind = payload["type"]
        data = payload.get("data") or {}
        resource: dict[str, Any] = {"type": kind}
        message: Message | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = self._store_message(
                interaction.channel_id,
                interaction.guild_id,
                {} if kind == DEFERRED_CHANNEL_MESSAGE else data,
                files,
                interaction_id=interaction.id,
                flags=data.get("flags", 0) | (128 if kind == DEFERRED_CHANNEL_MESSAGE else 0),
            )
            interaction.messages.append(message)
            interaction.original_id = message.id
            resource["message"] = message.to_dict(me=self.bot_user.id)
        elif kind == UPDATE_MESSAGE:
            target = self._clicked_message(interaction)
            self._apply_edit(target, data, files)
            interaction.messages.append(target)
            resource["message"] = target.to_dict(me=self.bot_user.id)
        elif kind == DEFERRED_UPDATE:
            pass
        elif kind == AUTOCOMPLETE:
            choices = data.get("choices", [])
            if len(choices) > 25:
                raise _HTTPError(400, 50035, "Invalid Form Body: more than 25 choices")
            for choice in choices:
                if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
                    raise _HTTPError(400, 50035, f"Invalid Form Body: choice {choice!r}")
        elif kind == MODAL:
            if not data.get("custom_id") or not data.get("title"):
                raise _HTTPError(400, 50035, "Invalid Form Body: modal")
        else:
            raise _HTTPError(400, 50035, f"fake: unsupported callback type {kind}")
        interaction.callbacks.append(payload)
        interaction.responded.set()
        async with interaction.changed:
            interaction.changed.notify_all()
        body: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
            }
        }
        if message is not None or kind == UPDATE_MESSAGE:
            body["interaction"]["response_message_id"] = resource["message"]["id"]
        if kind not in (DEFERRED_UPDATE, AUTOCOMPLETE):
            body["resource"] = resource
        return 200, body

    def _clicked_message(self, interaction: FakeInteraction) -> Message:
        raw = interaction.payload.get("message")
        if raw is None:
            raise _HTTPError(400, 50035, "UPDATE_MESSAGE without a message")
        return self.messages[int(raw["id"])]

    async def _followup(
        self, _r: web.Request, payload: Any, files: list[dict[str, Any]], app: str, token: str
    ) -> tuple[int, Any]:
        interaction = self._interaction(token)
        if not interaction.callbacks:
            raise _HTTPError(400, 10015, "Unknown Webhook (no response yet)")
        message = self._store_message(
            interaction.channel_id,
            interaction.guild_id,
            payload or {},
            files,
            interaction_id=interaction.id,
            flags=(payload or {}).get("flags", 0),
        )
        message.webhook_id = self.application_id
        interaction.messages.append(message)
        async with interaction.changed:
            interaction.changed.notify_all()
        return 200, message.to_dict(me=self.bot_user.id)

    def _webhook_message(self, interaction: FakeInteraction, mid: str) -> Message:
        message_id = interaction.original_id if mid == "@original" else int(mid)
        if message_id is None or message_id not in self.messages:
            raise _HTTPError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    async def _get_webhook_message(
        self, _r: web.Request, _p: Any, _f: Any, app: str, token: str, mid: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._interaction(token), mid)
        return 200, message.to_dict(me=self.bot_user.id)

    async def _edit_webhook_message(
        self,
        _r: web.Request,
        payload: Any,
        files: list[dict[str, Any]],
        app: str,
        token: str,
        mid: str,
    ) -> tuple[int, Any]:
        interaction = self._interaction(token)
        message = self._webhook_message(interaction, mid)
        self._apply_edit(message, payload or {}, files)
        async with interaction.changed:
            interaction.changed.notify_all()
        return 200, message.to_dict(me=self.bot_user.id)

    async def _delete_webhook_message(
        self, _r: web.Request, _p: Any, _f: Any, app: str, token: str, mid: str
    ) -> tuple[int, Any]:
        self._webhook_message(self._interaction(token), mid).deleted = True
        return 204, None

    # channel messages and reactions

    def _guild_channel(self, cid: str) -> tuple[Guild, Channel]:
        channel = self.channel(int(cid))
        if channel is None:
            raise _HTTPError(404, 10003, "Unknown Channel")
        return self.guilds[channel.guild_id], channel

    def _require(self, guild: Guild, channel: Channel, bits: int) -> None:
        perms = guild.permissions_of(self.bot_user.id, channel)
        if perms & bits != bits:
            raise _HTTPError(403, 50013, "Missing Permissions")

    async def _create_message(
        self, _r: web.Request, payload: Any, files: list[dict[str, Any]], cid: str
    ) -> tuple[int, Any]:
        guild, channel = self._guild_channel(cid)
        needed = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES
        if (payload or {}).get("embeds"):
            needed |= Permissions.EMBED_LINKS
        if files:
            needed |= Permissions.ATTACH_FILES
        self._require(guild, channel, needed)
        message = self._store_message(channel.id, guild.id, payload or {}, files)
        async with self.message_created:
            self.message_created.notify_all()
        return 200, message.to_dict(me=self.bot_user.id)

    def _channel_message(self, cid: str, mid: str) -> tuple[Guild, Channel, Message]:
        guild, channel = self._guild_channel(cid)
        message = self.messages.get(int(mid))
        if message is None or message.channel_id != channel.id or message.deleted:
            raise _HTTPError(404, 10008, "Unknown Message")
        return guild, channel, message

    async def _get_message(
        self, _r: web.Request, _p: Any, _f: Any, cid: str, mid: str
    ) -> tuple[int, Any]:
        guild, channel, message = self._channel_message(cid, mid)
        self._require(guild, channel, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        return 200, message.to_dict(me=self.bot_user.id)

    async def _edit_message(
        self, _r: web.Request, payload: Any, files: list[dict[str, Any]], cid: str, mid: str
    ) -> tuple[int, Any]:
        _guild, _channel, message = self._channel_message(cid, mid)
        if message.author.id != self.bot_user.id:
            raise _HTTPError(403, 50005, "Cannot edit a message authored by another user")
        self._apply_edit(message, payload or {}, files)
        return 200, message.to_dict(me=self.bot_user.id)

    async def _delete_message(
        self, _r: web.Request, _p: Any, _f: Any, cid: str, mid: str
    ) -> tuple[int, Any]:
        guild, channel, message = self._channel_message(cid, mid)
        if message.author.id != self.bot_user.id:
            self._require(guild, channel, Permissions.MANAGE_MESSAGES)
        message.deleted = True
        return 204, None

    async def _add_own_reaction(
        self, _r: web.Request, _p: Any, _f: Any, cid: str, mid: str, emoji: str
    ) -> tuple[int, Any]:
        guild, channel, message = self._channel_message(cid, mid)
        self._require(guild, channel, Permissions.ADD_REACTIONS | Permissions.READ_MESSAGE_HISTORY)
        await self.react(message, urllib.parse.unquote(emoji), self.bot_user)
        return 204, None

    async def _remove_own_reaction(
        self, _r: web.Request, _p: Any, _f: Any, cid: str, mid: str, emoji: str
    ) -> tuple[int, Any]:
        _guild, _channel, message = self._channel_message(cid, mid)
        await self.unreact(message, urllib.parse.unquote(emoji), self.bot_user)
        return 204, None

    def _store_message(
        self,
        channel_id: int,
        guild_id: int | None,
        data: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        interaction_id: int | None = None,
        flags: int = 0,
    ) -> Message:
        _check_message_limits(data)
        message = Message(
            id=self.ids.next(),
            channel_id=channel_id,
            guild_id=guild_id,
            author=self.bot_user,
            content=data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            attachments=self._attachments(data, files),
            flags=flags or 0,
            allowed_mentions=data.get("allowed_mentions"),
            interaction_id=interaction_id,
        )
        self.messages[message.id] = message
        return message

    def _attachments(
        self, data: dict[str, Any], files: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        result = []
        for index, file in enumerate(files):
            result.append(
                {
                    "id": str(self.ids.next()),
                    "filename": file["filename"],
                    "size": len(file["content"]),
                    "url": f"http://{self.host}:{self.port}/attachments/{index}/{file['filename']}",
                    "proxy_url": f"http://{self.host}:{self.port}/attachments/{file['filename']}",
                    "content_type": file.get("content_type"),
                    "content": file["content"],
                }
            )
        return result

    def _apply_edit(
        self, message: Message, data: dict[str, Any], files: list[dict[str, Any]]
    ) -> None:
        _check_message_limits(data)
        if "content" in data:
            message.content = data["content"] or ""
        if "embeds" in data:
            message.embeds = data["embeds"] or []
        if "components" in data:
            message.components = data["components"] or []
        if "allowed_mentions" in data:
            message.allowed_mentions = data["allowed_mentions"]
        if files or "attachments" in data:
            message.attachments = self._attachments(data, files)
        if "flags" in data and data["flags"] is not None:
            message.flags = (message.flags & 64) | data["flags"]
        message.flags &= ~128  # no longer "thinking"
        message.edited_at = iso()

    # -- gateway ----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        await ws.send_json({"op": HELLO, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        session: Session | None = None
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            op, data = frame.get("op"), frame.get("d")
            if op == HEARTBEAT:
                # Acknowledge after a network-like delay: discord.py records when it sent
                # the heartbeat only once the send returns, and an instant ACK would make it
                # warn that it is "behind" by a whole heartbeat interval.
                self._later(ws, ACK_DELAY, {"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op == IDENTIFY:
                if data.get("token") != self.token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                session = await self._identify(ws, data)
            elif op == RESUME:
                session = await self._resume(ws, data)
                if session is None:
                    await ws.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
        if session is not None and session.ws is ws:
            session.ws = None
        return ws

    def _later(self, ws: web.WebSocketResponse, delay: float, frame: dict[str, Any]) -> None:
        async def send() -> None:
            await asyncio.sleep(delay)
            if not ws.closed:
                with contextlib.suppress(ConnectionResetError):
                    await ws.send_json(frame)

        task = asyncio.create_task(send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session:
        shard = tuple(data.get("shard") or (0, 1))
        session = Session(
            id=secrets.token_hex(16),
            ws=ws,
            intents=int(data.get("intents", 0)),
            shard=(int(shard[0]), int(shard[1])),
            identify=data,
        )
        self.sessions[session.id] = session
        guilds = [g for g in self.guilds.values() if session.owns(g.id)]
        await self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": self.bot_user.to_dict(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "resume_gateway_url": self.gateway_url,
                "shard": list(session.shard),
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "user_settings": {},
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
            },
        )
        for guild in guilds:
            await self._send(session, "GUILD_CREATE", guild.create_payload())
        async with self.identified:
            self.identified.notify_all()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            return None
        session.ws = ws
        seq = int(data.get("seq") or 0)
        for frame in [f for f in session.buffer if f["s"] > seq]:
            await ws.send_json(frame)
        await self._send(session, "RESUMED", {})
        return session

    async def _send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        del session.buffer[:-1000]
        if session.ws is not None and not session.ws.closed:
            try:
                await session.ws.send_json(frame)
            except ConnectionResetError:
                session.ws = None

    async def dispatch(
        self, guild_id: int, event: str, data: dict[str, Any], intent: int = 0
    ) -> None:
        """Send a gateway event to the session that owns the guild's shard."""
        for session in list(self.sessions.values()):
            if session.owns(guild_id) and (not intent or session.intents & intent):
                await self._send(session, event, data)

    async def wait_until_identified(self, count: int = 1, timeout: float = 10.0) -> None:
        async with self.identified:
            await asyncio.wait_for(
                self.identified.wait_for(lambda: len(self.sessions) >= count), timeout
            )

    async def drop_gateway(self) -> None:
        """Close every gateway connection abruptly, as a network failure would."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=4000, message=b"fake: dropped")

    # -- injection API ----------------------------------------------------------------

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
        interaction = self._base_interaction(2, guild, channel, user, locale, data)
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
        interaction = self._base_interaction(4, guild, channel, user, locale, data)
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
        ids = _custom_ids(message.components)
        if custom_id not in ids:
            raise LookupError(f"{custom_id!r} is not on the message (it has {sorted(ids)})")
        guild = self.guilds[message.guild_id]  # type: ignore[index]
        channel = guild.channels[message.channel_id]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        interaction = self._base_interaction(3, guild, channel, user, locale, data, message)
        await self.dispatch(guild.id, "INTERACTION_CREATE", interaction.payload)
        return interaction

    async def submit_modal(
        self,
        opened_by: FakeInteraction,
        values: dict[str, str],
        *,
        locale: str | None = None,
    ) -> FakeInteraction:
        """Submit the modal the bot opened in answer to `opened_by`."""
        modal = opened_by.modal
        if modal is None:
            raise LookupError(f"no modal was opened: {opened_by.callbacks}")
        guild = self.guilds[opened_by.guild_id]
        channel = guild.channels[opened_by.channel_id]
        rows = []
        for component in _walk(modal.get("components", [])):
            if component.get("type") == 4:
                custom_id = component["custom_id"]
                value = values.get(custom_id, component.get("value") or "")
                rows.append(
                    {"type": 1, "components": [{"type": 4, "custom_id": custom_id, "value": value}]}
                )
        data = {"custom_id": modal["custom_id"], "components": rows}
        message = None
        if opened_by.payload.get("message"):
            message = self.messages.get(int(opened_by.payload["message"]["id"]))
        interaction = self._base_interaction(
            5, guild, channel, opened_by.user, locale or opened_by.locale, data, message
        )
        await self.dispatch(guild.id, "INTERACTION_CREATE", interaction.payload)
        return interaction

    async def react(self, message: Message, emoji: str, user: User, *, force: bool = False) -> None:
        """`user` adds `emoji`. Discord sends nothing for a reaction already there; with
        `force` the event is sent anyway (a replayed or duplicated gateway event)."""
        users = message.reactions.setdefault(emoji, [])
        if user.id in users and not force:
            return
        if user.id not in users:
            users.append(user.id)
        guild = self.guilds[message.guild_id]  # type: ignore[index]
        member = guild.members.get(user.id) or self.add_member(guild, user)
        await self.dispatch(
            guild.id,
            "MESSAGE_REACTION_ADD",
            {
                "user_id": str(user.id),
                "channel_id": str(message.channel_id),
                "message_id": str(message.id),
                "guild_id": str(guild.id),
                "member": member.to_dict(),
                "emoji": {"id": None, "name": emoji},
                "message_author_id": str(message.author.id),
                "burst": False,
                "burst_colors": [],
                "type": 0,
            },
            INTENT_GUILD_MESSAGE_REACTIONS,
        )

    async def unreact(
        self, message: Message, emoji: str, user: User, *, force: bool = False
    ) -> None:
        users = message.reactions.get(emoji, [])
        if user.id not in users and not force:
            return
        if user.id in users:
            users.remove(user.id)
        await self.dispatch(
            message.guild_id,  # type: ignore[arg-type]
            "MESSAGE_REACTION_REMOVE",
            {
                "user_id": str(user.id),
                "channel_id": str(message.channel_id),
                "message_id": str(message.id),
                "guild_id": str(message.guild_id),
                "emoji": {"id": None, "name": emoji},
                "burst": False,
                "type": 0,
            },
            INTENT_GUILD_MESSAGE_REACTIONS,
        )


class _HTTPError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json.
    return web.Response(
        body=json.dumps(body, default=_jsonable).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return None
    raise TypeError(type(value))


def _walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for component in components:
        found.append(component)
        found += _walk(component.get("components", []))
        if "component" in component:
            found += _walk([component["component"]])
    return found


def _custom_ids(components: list[dict[str, Any]]) -> set[str]:
    return {c["custom_id"] for c in _walk(components) if "custom_id" in c}


_NAME = re.compile(r"^[-_\w]{1,32}$")


def _check_command_schema(command: dict[str, Any]) -> None:
    """Refuse what Discord refuses on sync: bad names, long descriptions, > 25 options."""

    def check(item: dict[str, Any], where: str) -> None:
        names = [item["name"], *(item.get("name_localizations") or {}).values()]
        for name in names:
            if not _NAME.match(name) or name != name.lower():
                raise _HTTPError(400, 50035, f"Invalid Form Body: {where} name {name!r}")
        descriptions = [
            item.get("description", ""),
            *(item.get("description_localizations") or {}).values(),
        ]
        for description in descriptions:
            if len(description) > 100:
                raise _HTTPError(400, 50035, f"Invalid Form Body: {where} description too long")
        options = item.get("options") or []
        if len(options) > 25:
            raise _HTTPError(400, 50035, f"Invalid Form Body: {where} has > 25 options")
        for choice in item.get("choices") or []:
            for label in [choice["name"], *(choice.get("name_localizations") or {}).values()]:
                if not 1 <= len(label) <= 100:
                    raise _HTTPError(400, 50035, f"Invalid Form Body: {where} choice {label!r}")
        for option in options:
            check(option, f"{where}.{option['name']}")

    check(command, command["name"])


def _check_message_limits(data: dict[str, Any]) -> None:
    """Discord's message limits: 2000 content, 10 embeds, 6000 embed characters in all."""
    if len(data.get("content") or "") > 2000:
        raise _HTTPError(400, 50035, "Invalid Form Body: content longer than 2000")
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        raise _HTTPError(400, 50035, "Invalid Form Body: more than 10 embeds")
    total = 0
    for embed in embeds:
        limits = {"title": 256, "description": 4096}
        for key, limit in limits.items():
            if len(embed.get(key) or "") > limit:
                raise _HTTPError(400, 50035, f"Invalid Form Body: embed {key} too long")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise _HTTPError(400, 50035, "Invalid Form Body: more than 25 fields")
        for f in fields:
            if not f.get("name") or len(f["name"]) > 256:
                raise _HTTPError(400, 50035, "Invalid Form Body: field name")
            if not f.get("value") or len(f["value"]) > 1024:
                raise _HTTPError(400, 50035, "Invalid Form Body: field value")
        footer = (embed.get("footer") or {}).get("text") or ""
        if len(footer) > 2048:
            raise _HTTPError(400, 50035, "Invalid Form Body: footer too long")
        total += sum(len(embed.get(k) or "") for k in ("title", "description"))
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in fields)
        total += len(footer) + len((embed.get("author") or {}).get("name") or "")
    if total > 6000:
        raise _HTTPError(400, 50035, "Invalid Form Body: embeds longer than 6000 in total")
