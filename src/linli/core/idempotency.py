"""``Idempotency-Key`` for state-changing API calls.

The key row is inserted before the work, in the same transaction. A retry after success finds
it and gets the stored response; a concurrent retry blocks on the unique index until the first
call commits, then replays its response; if the first call failed nothing was stored and the
retry does the work itself. Errors are not stored: a request refused for lack of stock may
succeed when retried after a cancellation.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext_lazy as _
from ninja.utils import contribute_operation_callback
from pydantic import BaseModel

from .errors import Invalid, LinliError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY = 200
# The header in the OpenAPI document of every operation that takes it.
_DOCUMENTED = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Any 1 to 200 printable characters, such as a UUID: a retry with the same key returns "
        "the first answer and changes nothing."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
}


class KeyReused(LinliError):
    status = 422
    code = "idempotency_key_reused"
    template = _("This Idempotency-Key was already used for a different request.")


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), _body(request)):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _body(request) -> bytes:
    """The request's body; for a multipart form (files), which is read as a stream and not
    kept, a digest of its fields and files in order."""
    try:
        return request.body
    except RawPostDataException:
        digest = hashlib.sha256()
        for key in sorted(request.POST):
            for value in request.POST.getlist(key):
                digest.update(f"{key}={value}".encode() + b"\0")
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                digest.update(f"{key}:{upload.name}:{upload.size}".encode() + b"\0")
                upload.seek(0)
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        return b"multipart:" + digest.digest()


def _jsonable(body: Any) -> Any:
    if isinstance(body, BaseModel):
        return body.model_dump(mode="json")
    if isinstance(body, list):
        return [_jsonable(item) for item in body]
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def _replay(user, key: str, fingerprint: str) -> tuple[int, Any] | None:
    stored = IdempotencyKey.objects.filter(user=user, key=key).first()
    if stored is None:
        return None
    if stored.fingerprint != fingerprint:
        raise KeyReused()
    return stored.status_code, stored.response


def _respond(status: int, body: Any, *, replayed: bool = False) -> JsonResponse:
    response = JsonResponse(
        body, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable) -> Callable:
    """Decorate a ninja operation that returns ``(status, body)``; the body is rendered as JSON
    here, once, so that a replay sends exactly the bytes' worth of data the first call did."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            # Without a key there is nothing to store: each service the view calls is its own
            # transaction already, and one more around them would only add round trips.
            status, body = view(request, *args, **kwargs)
            return _respond(status, _jsonable(body))
        if not 0 < len(key) <= MAX_KEY or not key.isprintable():
            raise Invalid(
                details=[
                    {
                        "field": HEADER,
                        "message": _("Use 1 to 200 printable characters, such as a UUID."),
                    }
                ]
            )
        user, fingerprint = request.auth, _fingerprint(request)
        replayed = _replay(user, key, fingerprint)
        if replayed is not None:
            return _respond(*replayed, replayed=True)
        inserted = False
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
                inserted = True
                status, body = view(request, *args, **kwargs)
                record.status_code, record.response = status, _jsonable(body)
                record.save(update_fields=["status_code", "response"])
                return _respond(status, record.response)
        except IntegrityError:
            if inserted:
                raise
            replayed = _replay(user, key, fingerprint)
            if replayed is None:
                raise
            return _respond(*replayed, replayed=True)

    contribute_operation_callback(wrapper, _document)
    return wrapper


def _document(operation) -> None:
    """Name the header among the operation's parameters in the OpenAPI document."""
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), _DOCUMENTED]
    operation.openapi_extra = extra
