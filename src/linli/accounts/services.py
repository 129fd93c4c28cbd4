"""Personal API tokens: issue, authenticate, revoke."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import audit
from linli.core.errors import NotFound

from .models import ApiToken, User

TOKEN_PREFIX = "linli_"
# Writing last_used_at on every call would turn each read into a write; a day's precision is
# what someone deciding whether to revoke a token needs.
LAST_USED_PRECISION = timedelta(hours=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(*, actor: User, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the token text (shown only once)."""
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:60] or "api", prefix=text[:12], digest=_digest(text)
    )
    audit.record(actor=actor, action="token.issued", target=token, data={"user": user.pk})
    return token, text


def authenticate_token(text: str) -> User | None:
    """The active user holding this token, or ``None``."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(text), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (an operator may revoke anyone's). Revoking twice is
    harmless."""
    tokens = ApiToken.objects.select_for_update()
    if not actor.is_staff:
        tokens = tokens.filter(user=actor)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="token.revoked", target=token)
    return token
