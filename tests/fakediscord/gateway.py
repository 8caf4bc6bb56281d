"""The gateway: sessions (identify, resume), shards, and dispatching events to them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from tests.fakediscord.state import World

GATEWAY_PATH = "/gateway/"
ACK_DELAY = 0.02
#: Frames a session keeps for a resume.
RESUME_BUFFER = 1000

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
INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16


def encode(frame: dict[str, Any]) -> str:
    """A gateway frame as JSON text, serialized as fast as Discord's own (the fake must
    not be what a benchmark of many guilds measures)."""
    try:
        return orjson.dumps(frame, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(frame)


@dataclass
class Session:
    id: str
    ws: web.WebSocketResponse | None
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    identify: dict[str, Any] = field(default_factory=dict)
    #: When it identified (`time.monotonic()`), to see how shards were paced.
    identified_at: float = field(default_factory=time.monotonic)

    def owns(self, guild_id: int) -> bool:
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id


class Gateway(World):
    token: str
    gateway_url: str

    def _init_gateway(self) -> None:
        #: Shards that may identify at once, as /gateway/bot advertises it (Discord gives
        #: 1 to most bots and 16 or more to large ones).
        self.max_concurrency = 16
        self.sessions: dict[str, Session] = {}
        self.identified = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        #: What happened on the gateway, in order: "open" (a connection), "ready" (a
        #: session's READY sent), to see how a client connects its shards.
        self.gateway_log: list[str] = []
        #: GUILD_CREATE payloads serialized ahead (`freeze_guilds`), by guild id.
        self._frozen: dict[int, orjson.Fragment] = {}

    def freeze_guilds(self) -> None:
        """Serialize every guild's GUILD_CREATE now, for a benchmark whose guilds do not
        change once built: Discord's servers, not the bot's machine, build these, so the
        fake must not spend the bot's cores on them while it connects (10,000 realistic
        guilds: about 2.3 s of the benchmark process's CPU). A change to a guild after
        this is not seen by a new session."""
        self._frozen = {
            guild.id: orjson.Fragment(orjson.dumps(guild.create_payload()))
            for guild in self.guilds.values()
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.gateway_log.append("open")
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
        self.gateway_log.append("ready")
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
            payload = self._frozen.get(guild.id) or guild.create_payload()
            await self._send(session, "GUILD_CREATE", payload)
            # Each connection is Discord's own: another shard's session is served while
            # this one's guilds are sent (a send to a fast reader returns without waiting).
            await asyncio.sleep(0)
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
            await ws.send_str(encode(frame))
        await self._send(session, "RESUMED", {})
        return session

    async def _send(
        self, session: Session, event: str, data: dict[str, Any] | orjson.Fragment
    ) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        del session.buffer[:-RESUME_BUFFER]
        if session.ws is not None and not session.ws.closed:
            try:
                await session.ws.send_str(encode(frame))
            except ConnectionResetError:
                session.ws = None

    async def dispatch(
        self, guild_id: int, event: str, data: dict[str, Any], intent: int = 0
    ) -> None:
        """Send a gateway event to the sessions that own the guild's shard and asked for
        `intent` (0: every session)."""
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
