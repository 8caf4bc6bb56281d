"""`make play` as a person uses it, over the page's own API (no browser): a member's
command reaches the real bot, replies meant for one member are hidden from the others,
Ctrl-C stops the bot and the fake cleanly, and the server, its messages and the bot's
database are there again at the next start unless it starts fresh."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from tests.play.conftest import Playground, start_playground

WAIT_SECONDS = 20.0


def call(playground: Playground, path: str, body: dict[str, Any] | None = None) -> Any:
    base = playground.url.removesuffix("/play/")
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
        return json.loads(response.read())


def channel_id(state: dict[str, Any], name: str) -> str:
    return next(c["id"] for c in state["channels"] if c["name"] == name)


def member_id(state: dict[str, Any], name: str) -> str:
    return next(m["id"] for m in state["members"] if m["name"] == name)


def messages(playground: Playground, channel: str, member: str) -> list[dict[str, Any]]:
    return call(playground, f"/play/api/messages?channel={channel}&member={member}")["messages"]


def wait_for(playground: Playground, channel: str, member: str, text: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        for message in messages(playground, channel, member):
            if text in json.dumps(message, ensure_ascii=False):
                return message
        time.sleep(0.2)
    raise AssertionError(f"no message with {text!r}: {messages(playground, channel, member)}")


def test_data_kept_between_runs_and_ctrl_c_stops_both(playground: Playground) -> None:
    state = call(playground, "/play/api/state")
    assert {c["name"] for c in state["channels"]} >= {"general", "venues", "digest"}
    assert any(c["name"] == "venue" for c in state["commands"])
    general = channel_id(state, "general")
    alex, sam = member_id(state, "alex"), member_id(state, "sam")

    answer = call(
        playground,
        "/play/api/command",
        {
            "member": alex,
            "locale": "fr",
            "channel": general,
            "command": "venue propose",
            "options": {"name": "La Cantine", "kind": "meetup", "city": "Nantes"},
        },
    )
    assert "error" not in answer, answer
    reply = wait_for(playground, general, alex, "La Cantine**")
    assert reply["flags"] & 64 and reply["interaction"]["command"] == "venue propose"
    assert "Proposition publiée" in reply["content"], reply["content"]
    announcement = wait_for(playground, general, sam, "New venue: La Cantine")
    assert all(not m["flags"] & 64 for m in messages(playground, general, sam))

    as_sam = {"member": sam, "locale": "en-US", "channel": general}
    options = {"venue": "1", "weekday": "2", "time": "18:30"}
    call(
        playground, "/play/api/command", {**as_sam, "command": "routine create", "options": options}
    )
    wait_for(playground, general, sam, "18:30")
    call(playground, "/play/api/command", {**as_sam, "command": "routine calendar"})
    calendar = wait_for(playground, general, sam, ".ics")
    [attachment] = calendar["attachments"]
    base = playground.url.removesuffix("/play/")
    with urllib.request.urlopen(base + attachment["url"], timeout=WAIT_SECONDS) as response:
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.read().startswith(b"BEGIN:VCALENDAR")

    assert playground.stop() == 0
    log = (playground.data / "bot.log").read_text()
    assert log.rstrip().endswith("stopped"), log[-500:]

    again = start_playground(playground.data, fresh=False)
    try:
        kept = wait_for(again, general, sam, "New venue: La Cantine")
        assert kept["id"] == announcement["id"]
        choices = call(
            again,
            "/play/api/autocomplete",
            {
                "member": sam,
                "channel": general,
                "command": "venue show",
                "option": "venue",
                "text": "Cant",
            },
        )["choices"]
        assert [c["name"] for c in choices] == ["La Cantine — Nantes"], choices
        assert again.stop() == 0
    finally:
        again.process.kill()

    fresh = start_playground(playground.data, fresh=True)
    try:
        assert messages(fresh, general, sam) == []
        assert fresh.stop() == 0
    finally:
        fresh.process.kill()
