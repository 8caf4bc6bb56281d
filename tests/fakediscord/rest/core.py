"""The REST front door: authentication, injected faults, routing, recording, rate limits.

Handlers live in the resource modules beside this one, each declared with `@route`.
A handler takes `(self, call, **path_params)` and returns `(status, body)`, or raises
`HTTPError` for Discord's error JSON."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakediscord.rest.errors import FormError, HTTPError, Unimplemented

log = logging.getLogger("fakediscord")

API_PREFIX = "/api/v10"
#: Path parameters that are not snowflakes.
PARAMETER_PATTERNS = {
    "token": r"[^/]+",
    "emoji": r"[^/]+",
    "wmid": r"@original|\d+",
}
SNOWFLAKE = r"\d+"
RATE_LIMIT_WINDOW = 1.0


def route(method: str, template: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the handler of `method template`, e.g. `route("GET", "/channels/{cid}")`."""

    def pattern_of(name: str) -> str:
        return f"(?P<{name}>{PARAMETER_PATTERNS.get(name, SNOWFLAKE)})"

    regex = re.sub(r"\{(\w+)\}", lambda m: pattern_of(m.group(1)), template)

    def mark(handler: Callable[..., Any]) -> Callable[..., Any]:
        handler._route = (method, re.compile(regex), template)  # type: ignore[attr-defined]
        return handler

    return mark


@dataclass
class Call:
    """One REST request as a handler sees it."""

    request: web.Request
    json: Any
    files: list[dict[str, Any]]

    @property
    def query(self) -> Any:
        return self.request.query

    @property
    def body(self) -> dict[str, Any]:
        return self.json if isinstance(self.json, dict) else {}

    def int_param(self, name: str, default: int, low: int, high: int) -> int:
        """A query parameter Discord reads as an integer in `low..high`."""
        raw = self.query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise FormError((name,), "Value is not int.", "NUMBER_TYPE_COERCE") from None
        if not low <= value <= high:
            raise FormError(
                (name,), f"int value should be between {low} and {high}.", "NUMBER_TYPE_MAX"
            )
        return value


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
    #: Handle the request first (the message is created), then answer with the fault: what
    #: a client sees when Discord did the work but the answer was lost or broke on the way.
    after: bool = False


@dataclass
class Bucket:
    """Discord's per-route rate-limit bucket, reported in X-RateLimit-* headers."""

    name: str
    limit: int
    window_start: float = 0.0
    used: int = 0

    def take(self, now: float) -> dict[str, str]:
        if now - self.window_start >= RATE_LIMIT_WINDOW:
            self.window_start, self.used = now, 0
        self.used += 1
        reset_after = max(0.0, self.window_start + RATE_LIMIT_WINDOW - now)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.name,
        }


class RestCore:
    """Serves `API_PREFIX/*`: every request is recorded, then answered by an injected
    fault, a route handler, or a 404 marked unimplemented (the e2e suite fails on those)."""

    token: str
    #: requests a bucket allows per second; generous so that only tests that lower it
    #: see discord.py wait, as it would for Discord's real limits
    rate_limit: int = 10_000

    def _init_rest(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self._buckets: dict[str, Bucket] = {}
        self._routes = [
            (*value._route, getattr(self, name))
            for klass in type(self).__mro__
            for name, value in vars(klass).items()
            if hasattr(value, "_route")
        ]

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
        after: bool = False,
    ) -> None:
        """Make the next matching request(s) fail, e.g. 403 (code 50013) or 429.

        With `after`, the request is handled first and only its answer fails: `status`
        instead of the real one, or, with status 0, the connection closed without an
        answer (the client cannot know whether the request took effect)."""
        body: dict[str, Any] = {"code": code, "message": message or f"fake {status}"}
        headers: dict[str, str] = {}
        if retry_after is not None:
            body.update(retry_after=retry_after, **{"global": False})
            headers["Retry-After"] = str(retry_after)
            headers["X-RateLimit-Scope"] = "user"
            # discord.py takes a 429 without Discord's proxy header for a Cloudflare ban.
            headers["Via"] = "1.1 google"
        self.faults.append(
            Fault(method, re.compile(path), status, body, times, headers, after=after)
        )

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        payload, files = await _read_body(request)
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
        late: Fault | None = None
        for fault in self.faults:
            if fault.times > 0 and fault.method == request.method and fault.path.search(path):
                fault.times -= 1
                if fault.after:
                    late = fault
                    break
                record.status = fault.status
                return _json(fault.body, fault.status, headers=fault.headers)
        response = await self._route(request, path, payload, files, record)
        if late is None:
            return response
        record.status = late.status
        if late.status == 0 and request.transport is not None:
            request.transport.abort()  # no answer at all
        return _json(late.body, late.status or 500, headers=late.headers)

    async def _route(
        self,
        request: web.Request,
        path: str,
        payload: Any,
        files: list[dict[str, Any]],
        record: RecordedRequest,
    ) -> web.StreamResponse:
        for method, pattern, template, handler in self._routes:
            if method != request.method:
                continue
            match = pattern.fullmatch(path)
            if match:
                headers = self._bucket(method, template, match.groupdict()).take(time.monotonic())
                try:
                    status, body = await handler(Call(request, payload, files), **match.groupdict())
                except HTTPError as exc:
                    status, body = exc.status, exc.body()
                except Unimplemented:
                    break
                record.status = status
                if status == 204:
                    return web.Response(status=204, headers=headers)
                return _json(body, status, headers)
        record.implemented = False
        record.status = 404
        log.warning("unimplemented route %s %s", request.method, path)
        return _json({"message": f"fake: no route {request.method} {path}", "code": 0}, 404)

    def _bucket(self, method: str, template: str, params: dict[str, str]) -> Bucket:
        """One bucket per route and top-level resource, as Discord scopes them."""
        major = next((params[k] for k in ("cid", "guild", "token") if k in params), "")
        key = f"{method} {template} {major}"
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(name=f"{len(self._buckets):08x}", limit=0)
        bucket.limit = self.rate_limit
        return bucket

    def unimplemented(self) -> list[RecordedRequest]:
        return [r for r in self.requests if not r.implemented]

    def requests_to(self, method: str, pattern: str) -> list[RecordedRequest]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.search(r.path)]


async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
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
