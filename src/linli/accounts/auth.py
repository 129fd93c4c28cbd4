"""How API callers prove who they are: a personal token, or the browser session."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import AnonRateThrottle
from ninja.utils import check_csrf

from linli.core.errors import Forbidden

from .services import authenticate_token


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    template = _(
        "This page's security token is missing or out of date; reload the page and try again."
    )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer linli_…``"""

    openapi_description = "A personal token from `linli token create` or POST /api/tokens."

    def authenticate(self, request: HttpRequest, token: str):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The signed-in browser session; state-changing calls need the CSRF token too.

    The CSRF check runs only for a signed-in session: a caller with no session has nothing to
    forge, and is told to sign in (401) rather than that a security token is missing.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = TokenAuth()
session_auth = BrowserSession()


def password_throttle() -> AnonRateThrottle:
    """The one throttle on password sign-in, for ``POST /api/auth/token`` and the sign-in page
    alike: they count attempts from one address together, in the shared cache."""
    return AnonRateThrottle("10/m")
