"""The browser session and its user, each read with one written-out query.

Every page and every API call made from the browser reads the session, then the user it
names (with the roles they hold, :mod:`linli.accounts.roles`). Built by the ORM, the two cost
about 0.8 ms of CPU together, more than the database takes to answer them and more than the
rest of a small page; written out they cost about a fifth of that
(``docs/decisions/0008-hot-queries-in-sql.md``, ``0015-page-speed.md``). Writing, expiry,
sign-out and everything else stay Django's own.

Settings: ``SESSION_ENGINE = "linli.accounts.sessions"`` and
``AUTHENTICATION_BACKENDS = ["linli.accounts.sessions.Backend"]``.
"""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from linli.core.rows import Picked

from .models import User
from .roles import remember_roles, roles_parameters, roles_sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_session_sql(), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a new session is made on save
            return None
        return Session(session_key=self.session_key, session_data=row[0])


@cache
def _session_sql() -> str:
    return (
        f"SELECT session_data FROM {Session._meta.db_table}"
        " WHERE session_key = %s AND expire_date > %s"
    )


class Backend(ModelBackend):
    """Django's model backend (passwords, permissions), reading the signed-in user and the
    roles they hold (:func:`linli.accounts.roles.roles`) with one fixed query."""

    def get_user(self, user_id):
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [*roles_parameters(user_id), user_id])
            rows = cursor.fetchall()
        user = _USER.build(rows[0])[0] if rows else None
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_roles(user, [row[-3:] for row in rows if row[-3] is not None])
        return user


_USER = Picked(User, "u")


@cache
def _user_sql() -> str:
    """The user, and a (role, id, community) row for each role they hold (one row of NULLs
    for none)."""
    return (
        f"SELECT {_USER.columns}, r.* FROM {_USER.table}"
        f" LEFT JOIN ({roles_sql()}) r ON 1 = 1"
        f" WHERE {_USER.column('id')} = %s"
    )
