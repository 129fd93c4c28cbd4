"""A JSON client for the API that signs in with a real personal token (in English unless
told otherwise)."""

import json

from django.test import Client

from linli.accounts.services import issue_token


class Api:
    def __init__(self, user=None, language: str = "en"):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if user is not None:
            _token, text = issue_token(actor=user, user=user, name="tests")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {text}"
        self.client = Client(**headers)

    def get(self, path: str, **params):
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, body=None, *, key: str | None = None):
        extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        data = "" if body is None else json.dumps(body)
        return self.client.post(f"/api{path}", data, content_type="application/json", **extra)

    def put(self, path: str, body, *, key: str | None = None):
        extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.client.put(
            f"/api{path}", json.dumps(body), content_type="application/json", **extra
        )

    def delete(self, path: str):
        return self.client.delete(f"/api{path}")
