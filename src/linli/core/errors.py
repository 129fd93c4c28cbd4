"""Errors a caller can cause, each with a message in the caller's language.

Every app raises subclasses of :class:`LinliError`; the API and the pages turn them into a 4xx
response in exactly one place (``linli.api``). Messages are lazy templates rendered when the
response is written, so they follow the language of the request (``Accept-Language``).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class Message:
    """A lazily translated ``%(name)s`` template with its parameters."""

    __slots__ = ("params", "template")

    def __init__(self, template: Any, **params: Any) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        text = str(self.template)
        if not self.params:
            return text
        return text % {key: _render(value) for key, value in self.params.items()}

    def __repr__(self) -> str:
        return f"Message({str(self.template)!r}, {self.params!r})"


def _render(value: Any) -> Any:
    if isinstance(value, int | float):
        return value
    return str(value)


def render(value: Any) -> Any:
    """Turn lazy messages inside plain data (dicts, lists) into text in the active language."""
    if isinstance(value, dict):
        return {key: render(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [render(item) for item in value]
    if isinstance(value, Message) or type(value).__name__ == "__proxy__":
        return str(value)
    return value


class LinliError(Exception):
    """Base of every error a user caused. ``status`` is the HTTP status it maps to."""

    status = 400
    code = "bad_request"
    template: Any = _("The request could not be carried out.")

    def __init__(self, template: Any = None, /, *, details: list[dict] | None = None, **params):
        self.message = Message(template if template is not None else self.template, **params)
        self.details = details or []
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.details:
            body["details"] = render(self.details)
        return body


class Invalid(LinliError):
    status = 422
    code = "invalid"
    template = _("Some of what was sent is not valid.")


class NotFound(LinliError):
    status = 404
    code = "not_found"
    template = _("Not found, or not yours to see.")


class Forbidden(LinliError):
    status = 403
    code = "forbidden"
    template = _("You are not allowed to do this.")


class Conflict(LinliError):
    status = 409
    code = "conflict"
    template = _("This conflicts with the current state; reload and try again.")
