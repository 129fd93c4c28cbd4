"""Who is asking and through which door, for the audit trail.

The middleware (pages, API, admin) and the ``linli`` command set the context; services read it
when they record an audit event. The *actor* is always passed to services explicitly; this
context only says where the call came from.
"""

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CallContext:
    channel: str = "system"  # api, page, admin, cli, system
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[CallContext | None] = ContextVar("linli_call_context", default=None)


def current() -> CallContext:
    return _current.get() or CallContext()


@contextlib.contextmanager
def calling(context: CallContext) -> Iterator[CallContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
