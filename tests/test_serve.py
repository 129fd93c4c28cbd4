"""`linli serve` is the production server: gunicorn workers, static files, the API."""

import json
import time
import urllib.error
import urllib.request

import psutil
import pytest
from django.db import connection

from linli.accounts.services import issue_token

from .servers import Server


def fetch(url: str, *, token: str = "", body: dict | None = None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serve_runs_workers_serves_static_files_and_takes_orders(hood, now, tmp_path):
    group_buy = hood.open(now=now)
    item = group_buy.items.first()
    _token, token = issue_token(actor=hood.members[0], user=hood.members[0], name="serve")
    connection.close()

    with Server(tmp_path, "--workers", "2", "--threads", "2") as server:
        master = psutil.Process(server.process.pid)
        deadline = time.monotonic() + 30
        while len(master.children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(master.children()) == 2

        status, _headers, body = fetch(f"{server.url}/healthz")
        assert json.loads(body)["database"] == connection.vendor

        status, _headers, body = fetch(f"{server.url}/static/web/site.css")
        assert status == 200
        assert b"--green" in body

        status, _headers, body = fetch(
            f"{server.url}/api/group-buys/{group_buy.pk}/orders",
            token=token,
            body={"lines": [{"item_id": item.pk, "quantity": 2}]},
        )
        assert status == 201
        assert json.loads(body)["lines"][0]["quantity"] == 2

    item.refresh_from_db()
    assert item.stock_left == item.stock_initial - 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_password_throttle_counts_across_workers(tmp_path):
    """Ten password attempts a minute from one address, however many workers take them."""
    connection.close()
    with Server(tmp_path, "--workers", "4", "--threads", "1") as server:
        statuses = []
        for _attempt in range(14):
            try:
                # A new connection each time, so the attempts spread over the workers.
                status, _headers, _body = fetch(
                    f"{server.url}/api/auth/token", body={"username": "nobody", "password": "x"}
                )
            except urllib.error.HTTPError as error:
                status = error.code
            statuses.append(status)
    assert statuses == [401] * 10 + [429] * 4
