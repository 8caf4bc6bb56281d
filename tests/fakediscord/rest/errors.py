"""Discord's error bodies: `{"code", "message"}`, and for 50035 the `errors` tree."""

from __future__ import annotations

from typing import Any

INVALID_FORM_BODY = 50035


class HTTPError(Exception):
    """Answer the request with Discord's error JSON."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


class Unimplemented(Exception):
    """A request on a known route that asks for something the fake does not do: it is
    answered and recorded like a request to an unknown route."""


class FormError(HTTPError):
    """400 Invalid Form Body, naming the field as Discord does: `where` is the path to
    it (`("components", 0, "components", 1)`), `error_code` Discord's error kind."""

    def __init__(
        self, where: tuple[str | int, ...], message: str, error_code: str = "BASE_TYPE_INVALID"
    ) -> None:
        tree: dict[str, Any] = {"_errors": [{"code": error_code, "message": message}]}
        for key in reversed(where):
            tree = {str(key): tree}
        super().__init__(400, INVALID_FORM_BODY, "Invalid Form Body", tree)
        self.where = where
        self.detail = message

    def __str__(self) -> str:
        path = ".".join(map(str, self.where))
        return f"{path}: {self.detail}" if path else self.detail


def missing_permissions() -> HTTPError:
    return HTTPError(403, 50013, "Missing Permissions")


def missing_access() -> HTTPError:
    return HTTPError(403, 50001, "Missing Access")
