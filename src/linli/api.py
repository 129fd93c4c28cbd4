"""The JSON API: one NinjaAPI, one router per app, errors mapped to 4xx in one place.

OpenAPI document at ``/api/openapi.json``, interactive docs at ``/api/docs``.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)
from ninja.renderers import JSONRenderer

from linli.accounts.api import router as accounts_router
from linli.accounts.auth import session_auth, token_auth
from linli.aftersales.api import router as aftersales_router
from linli.catalog.api import router as catalog_router
from linli.communities.api import router as communities_router
from linli.connect.api import router as connect_router
from linli.core.errors import LinliError, Message, render
from linli.core.schemas import Error
from linli.core.validation import translate
from linli.forecasts.api import router as forecasts_router
from linli.groupbuys.api import router as groupbuys_router
from linli.jielong.api import router as jielong_router
from linli.ledger.api import router as ledger_router
from linli.notices.api import router as notices_router
from linli.privacy.api import router as privacy_router
from linli.relations.api import router as relations_router
from linli.rewards.api import router as rewards_router
from linli.storefronts.api import router as storefronts_router

logger = logging.getLogger(__name__)


class Utf8JSON(JSONRenderer):
    """JSON with Chinese as it is (``真如苑``, not ``\\u771f\\u5982\\u82d1``): readable in a
    terminal and half the bytes."""

    json_dumps_params = {"ensure_ascii": False}


class LinliApi(NinjaAPI):
    """The API, whose document also says what every operation answers when the caller got
    something wrong: a 4xx with ``{code, message, details}`` (``on_*`` handlers below)."""

    def get_openapi_schema(self, **kwargs):
        document = super().get_openapi_schema(**kwargs)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["Error"] = Error.model_json_schema(ref_template="#/components/schemas/{model}")
        refused = {
            "description": (
                "Refused: not signed in (401), not allowed (403), not found or not yours (404), "
                "in conflict with the current state (409), too large (413), not valid (422), "
                "too many tries (429). `message` is in the language of `Accept-Language`."
            ),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for operations in document["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("4XX", refused)
        return document


api = LinliApi(
    title="Linli API",
    version="1",
    description=(
        "Community group buying. Money is in fen (integers). Send `Authorization: Bearer <token>` "
        "or use the browser session. Every state-changing call accepts an `Idempotency-Key` "
        "header: a retry with the same key returns the first answer and changes nothing. "
        "Errors are `{code, message, details}` with `message` in the language of "
        "`Accept-Language` (zh-Hans or en)."
    ),
    auth=[token_auth, session_auth],
    renderer=Utf8JSON(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("", accounts_router)
api.add_router("", communities_router)
api.add_router("", catalog_router)
api.add_router("", groupbuys_router)
api.add_router("", ledger_router)
api.add_router("", jielong_router)
api.add_router("", notices_router)
api.add_router("", aftersales_router)
api.add_router("", relations_router)
api.add_router("", privacy_router)
api.add_router("", forecasts_router)
api.add_router("", rewards_router)
api.add_router("", storefronts_router)
api.add_router("", connect_router)


def _error(request, status: int, code: str, message, details=None):
    body = {"code": code, "message": str(message)}
    if details:
        body["details"] = render(details)
    return api.create_response(request, body, status=status)


@api.exception_handler(LinliError)
def on_linli_error(request, error: LinliError):
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(ValidationError)
def on_validation_error(request, error: ValidationError):
    return _error(
        request, 422, "invalid", _("Some of what was sent is not valid."), translate(error.errors)
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, error):
    return _error(
        request,
        401,
        "unauthenticated",
        _("Sign in, or send a valid token: Authorization: Bearer <token>."),
    )


@api.exception_handler(AuthorizationError)
def on_forbidden(request, error):
    return _error(request, 403, "forbidden", _("You are not allowed to do this."))


@api.exception_handler(Throttled)
def on_throttled(request, error):
    return _error(request, 429, "throttled", _("Too many attempts; wait a minute and try again."))


@api.exception_handler(HttpError)
def on_http_error(request, error: HttpError):
    if error.status_code == 400:
        return _error(request, 400, "malformed", _("The request body is not valid JSON."))
    return _error(request, error.status_code, "error", error.message)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, error):
    return _error(
        request,
        413,
        "too_large",
        Message(
            _("The request is too large: send at most %(mb)s MB."),
            mb=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1_000_000,
        ),
    )


@api.exception_handler(Http404)
def on_not_found(request, error):
    return _error(request, 404, "not_found", _("Not found, or not yours to see."))


@api.exception_handler(OverflowError)
def on_number_past_any_row(request, error: OverflowError):
    """A number the database cannot hold (SQLite's integers end at 2⁶³) names no row: an id in
    a path that no bound stopped. Not found, as for any other id that names nothing."""
    logger.warning("A number past any row on %s: %s", request.path, error)
    return _error(request, 404, "not_found", _("Not found, or not yours to see."))
