"""Answering interactions: the callback, then followups and edits through the webhook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.fakediscord.driver.interactions import (
    AUTOCOMPLETE,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    MODAL,
    UPDATE_MESSAGE,
    FakeInteraction,
)
from tests.fakediscord.rest.core import Call, route
from tests.fakediscord.rest.errors import FormError, HTTPError
from tests.fakediscord.rest.messages import MessageRoutes
from tests.fakediscord.state import Message
from tests.fakediscord.state.messages import EPHEMERAL, LOADING
from tests.fakediscord.validation.modals import check_modal

#: How long an interaction token answers followups and edits.
TOKEN_LIFETIME = dt.timedelta(minutes=15)


class InteractionRoutes(MessageRoutes):
    interactions: dict[str, FakeInteraction]

    def _interaction(self, token: str) -> FakeInteraction:
        interaction = self.interactions.get(token)
        if interaction is None:
            raise HTTPError(404, 10015, "Unknown Webhook")
        if self.clock.now() - interaction.created_at > TOKEN_LIFETIME:
            raise HTTPError(401, 50027, "Invalid Webhook Token")
        return interaction

    @route("POST", "/interactions/{iid}/{token}/callback")
    async def _callback(self, call: Call, iid: str, token: str) -> tuple[int, Any]:
        interaction = self._interaction(token)
        if interaction.id != int(iid):
            raise HTTPError(404, 10062, "Unknown interaction")
        if interaction.callbacks:
            raise HTTPError(400, 40060, "Interaction has already been acknowledged.")
        payload = call.body
        kind = payload["type"]
        data = payload.get("data") or {}
        resource: dict[str, Any] = {"type": kind}
        message: Message | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = self._store_message(
                interaction.channel_id,
                interaction.guild_id,
                {} if kind == DEFERRED_CHANNEL_MESSAGE else data,
                call.files,
                interaction_id=interaction.id,
                flags=(data.get("flags") or 0)
                | (LOADING if kind == DEFERRED_CHANNEL_MESSAGE else 0),
            )
            interaction.messages.append(message)
            interaction.original_id = message.id
            resource["message"] = message.to_dict(me=self.bot_user.id)
        elif kind == UPDATE_MESSAGE:
            target = self._clicked_message(interaction)
            self._apply_edit(target, data, call.files)
            interaction.messages.append(target)
            resource["message"] = target.to_dict(me=self.bot_user.id)
        elif kind == DEFERRED_UPDATE:
            pass
        elif kind == AUTOCOMPLETE:
            choices = data.get("choices", [])
            if len(choices) > 25:
                raise FormError(
                    ("data", "choices"), "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
                )
            for index, choice in enumerate(choices):
                if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
                    raise FormError(
                        ("data", "choices", index),
                        f"Invalid choice {choice!r}",
                        "BASE_TYPE_BAD_LENGTH",
                    )
        elif kind == MODAL:
            check_modal(data)
        else:
            raise FormError(("type",), f"fake: unsupported callback type {kind}")
        interaction.callbacks.append(payload)
        interaction.responded.set()
        async with interaction.changed:
            interaction.changed.notify_all()
        body: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
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
            raise FormError(("type",), "UPDATE_MESSAGE needs a component interaction")
        return self.messages[int(raw["id"])]

    @route("POST", "/webhooks/{app}/{token}")
    async def _followup(self, call: Call, app: str, token: str) -> tuple[int, Any]:
        interaction = self._interaction(token)
        if not interaction.callbacks:
            raise HTTPError(400, 10015, "Unknown Webhook (no response yet)")
        message = self._store_message(
            interaction.channel_id,
            interaction.guild_id,
            call.body,
            call.files,
            interaction_id=interaction.id,
            flags=call.body.get("flags") or 0,
        )
        message.webhook_id = self.application_id
        interaction.messages.append(message)
        async with interaction.changed:
            interaction.changed.notify_all()
        return 200, message.to_dict(me=self.bot_user.id)

    def _webhook_message(self, interaction: FakeInteraction, wmid: str) -> Message:
        message_id = interaction.original_id if wmid == "@original" else int(wmid)
        if message_id is None or message_id not in self.messages:
            raise HTTPError(404, 10008, "Unknown Message")
        return self.messages[message_id]

    @route("GET", "/webhooks/{app}/{token}/messages/{wmid}")
    async def _get_webhook_message(
        self, call: Call, app: str, token: str, wmid: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._interaction(token), wmid)
        return 200, message.to_dict(me=self.bot_user.id)

    @route("PATCH", "/webhooks/{app}/{token}/messages/{wmid}")
    async def _edit_webhook_message(
        self, call: Call, app: str, token: str, wmid: str
    ) -> tuple[int, Any]:
        interaction = self._interaction(token)
        message = self._webhook_message(interaction, wmid)
        self._apply_edit(message, call.body, call.files)
        async with interaction.changed:
            interaction.changed.notify_all()
        return 200, message.to_dict(me=self.bot_user.id)

    @route("DELETE", "/webhooks/{app}/{token}/messages/{wmid}")
    async def _delete_webhook_message(
        self, call: Call, app: str, token: str, wmid: str
    ) -> tuple[int, Any]:
        self._webhook_message(self._interaction(token), wmid).deleted = True
        return 204, None
