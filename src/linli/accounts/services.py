"""Personal API tokens: issue, authenticate, revoke."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import audit
from linli.core.errors import NotFound

from .models import ApiToken, User

TOKEN_PREFIX = "linli_"
# Writing last_used_at on every call would turn each read into a write; someone deciding
# whether to revoke a token needs to know the day it was last used, and an hour is plenty.
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
    now = timezone.now()
    stale_before = connection.ops.adapt_datetimefield_value(now - LAST_USED_PRECISION)
    found = list(User.objects.raw(_token_sql(), [stale_before, _digest(text)]))
    if not found:
        return None
    user = found[0]
    if user.token_stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


@cache
def _token_sql() -> str:
    """The user behind a token digest, with the token's id and whether its ``last_used_at``
    is due for a write. Written out rather than built with the ORM: every API call asks it."""
    token, user = ApiToken._meta.db_table, User._meta.db_table
    return (
        f"SELECT u.*, t.id AS token_id,"
        f" (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale"
        f" FROM {token} t JOIN {user} u ON u.id = t.user_id"
        f" WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active"
    )


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


def set_language(*, user: User, language: str) -> bool:
    """Remember ``language`` (one of ``settings.LANGUAGES``) as what ``user`` reads: notices
    sent outside the pages (e-mail) are written in it. Returns whether it changed; an unknown
    code changes nothing."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return True
