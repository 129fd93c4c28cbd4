from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Router
from ninja.responses import Status

from linli.accounts.roles import roles
from linli.core.errors import LinliError
from linli.core.idempotency import idempotent
from linli.core.schemas import Error

from . import services
from .auth import password_throttle
from .models import ApiToken
from .schemas import MeOut, NewTokenOut, PasswordLoginIn, TokenIn, TokenOut

router = Router(tags=["accounts"])


class BadCredentials(LinliError):
    status = 401
    code = "bad_credentials"
    template = _("Wrong username or password.")


@router.get("/me", response=MeOut, summary="Who am I, and what may I do")
def me(request):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": roles(user).as_dict(),
    }


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def list_tokens(request):
    return ApiToken.objects.filter(user=request.auth)


def _new(token: ApiToken, text: str) -> NewTokenOut:
    return NewTokenOut(**TokenOut.from_orm(token).model_dump(), token=text)


@router.post("/tokens", response={201: NewTokenOut}, summary="Make a token for myself")
@idempotent
def create_token(request, payload: TokenIn):
    token, text = services.issue_token(actor=request.auth, user=request.auth, name=payload.name)
    return 201, _new(token, text)


@router.post(
    "/auth/token",
    auth=None,
    throttle=[password_throttle()],
    response={201: NewTokenOut, 401: Error},
    summary="Trade a username and password for a token",
)
def login_for_token(request, payload: PasswordLoginIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise BadCredentials()
    token, text = services.issue_token(actor=user, user=user, name=payload.name)
    return Status(201, _new(token, text))


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke a token")
@idempotent
def revoke_token(request, token_id: int):
    return 200, TokenOut.from_orm(services.revoke_token(actor=request.auth, token_id=token_id))
