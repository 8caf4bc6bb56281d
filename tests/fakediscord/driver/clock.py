"""The fake's clock over HTTP, for a bot configured with CLOCK_URL and for tests.

`GET /clock` answers the current instant as ISO 8601 UTC text. `POST /clock` moves it:
`{"advance_seconds": N}` or `{"now": "2026-12-01T09:00:00+00:00"}`; the answer is the new
instant. Time never goes backwards."""

from __future__ import annotations

import datetime as dt
import json

from aiohttp import web

from tests.fakediscord.state import World


class ClockControl(World):
    def now(self) -> dt.datetime:
        return self.clock.now()

    def set_clock(self, moment: dt.datetime) -> None:
        if moment < self.clock.now():
            raise ValueError("the clock only moves forward")
        self.clock.set(moment)

    def advance_clock(self, seconds: float = 0, **delta: float) -> dt.datetime:
        """Move the clock forward by `seconds` or a timedelta's keywords (days=7)."""
        self.clock.advance(seconds + dt.timedelta(**delta).total_seconds())
        return self.clock.now()

    async def _get_clock(self, request: web.Request) -> web.Response:
        return web.Response(text=_utc(self.clock.now()), content_type="text/plain")

    async def _post_clock(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.text() or "{}")
            if "advance_seconds" in body:
                self.advance_clock(float(body["advance_seconds"]))
            elif "now" in body:
                moment = dt.datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
                self.set_clock(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
            else:
                raise ValueError('give "advance_seconds" or "now"')
        except (ValueError, TypeError) as exc:
            return web.json_response({"message": str(exc)}, status=400)
        return web.Response(text=_utc(self.clock.now()), content_type="text/plain")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
