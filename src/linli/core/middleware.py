import re
import uuid

from .context import CallContext, calling

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _channel(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "page"


class RequestContextMiddleware:
    """Give each request an id (or keep a well-formed ``X-Request-ID``) for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        context = CallContext(
            channel=_channel(request.path),
            request_id=request_id,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", "")[:200],
        )
        request.request_id = request_id
        with calling(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
