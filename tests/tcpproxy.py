"""A TCP proxy the tests put between the bot and a server, to fail the network on demand.

`cut()` closes every connection (what a server restart looks like); `blackhole()` keeps
connections open but drops every byte, both ways, on the open connections and on new
ones (what a dead route or a firewall dropping packets looks like); `restore()` forwards
new connections again (connections opened while blackholed stay dead, as a real
half-open TCP connection would)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field


@dataclass
class _Link:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None
    dead: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.blackholed = False
        self.links: list[_Link] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self, port: int = 0) -> TcpProxy:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 2)

    def blackhole(self) -> None:
        self.blackholed = True
        for link in self.links:
            link.dead = True

    def restore(self) -> None:
        self.blackholed = False

    def cut(self) -> None:
        for link in self.links:
            for task in link.tasks:
                task.cancel()
            for writer in (link.client, link.upstream):
                if writer is not None:
                    with contextlib.suppress(Exception):
                        writer.transport.abort()
        self.links.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.blackholed:
            link = _Link(writer, None, dead=True)
            self.links.append(link)
            link.tasks.append(asyncio.current_task())  # type: ignore[arg-type]
            with contextlib.suppress(Exception):
                while await reader.read(65536):
                    pass
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        link = _Link(writer, up_writer)
        self.links.append(link)
        link.tasks = [
            asyncio.create_task(self._pump(link, reader, up_writer)),
            asyncio.create_task(self._pump(link, up_reader, writer)),
        ]

    @staticmethod
    async def _pump(
        link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                if not link.dead:
                    writer.write(data)
                    await writer.drain()
        if not link.dead:
            with contextlib.suppress(Exception):
                writer.close()
