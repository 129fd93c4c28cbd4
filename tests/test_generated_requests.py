"""Generated requests over the whole API (schemathesis against ``/api/openapi.json``).

For every operation in the OpenAPI document, and for a signed-in operator, leader, member and
supplier, schemathesis generates requests from the document: valid ones (positive) and ones
the document says are wrong (negative: wrong types, out of range, missing fields). Path ids
are often swapped for ids of real rows of the world below, so requests reach past "not found"
into the services. Every answer must be no 5xx, a status and content type the document names,
and a body of the documented schema (a JSON error body is ``{code, message, details}``).

Each request runs in a savepoint rolled back afterwards: every example starts from the same
world, and a token revoked by a generated ``DELETE /api/tokens/{id}`` is back for the next.

Deterministic (hypothesis derandomized, no example database), so CI sees the same requests
each run. ``LINLI_GENERATED_EXAMPLES=200`` (examples per operation, role and mode; default
below) runs more locally; ``LINLI_GENERATED_SEED`` varies them. A failure prints the request
as a curl command line.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.catalog.models import Supplier
from linli.communities.models import Building, Leader
from linli.ledger.models import Entry

from .connect.world import connect_programme
from .relations.world import relationship_book
from .test_bad_input import build_world

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LINLI_GENERATED_EXAMPLES", "6"))
SEED = int(os.environ.get("LINLI_GENERATED_SEED", "18"))
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Who asks, in which language, with which kinds of request. What the document calls wrong is
# refused by validation before the operation runs, the same way whoever asks: the operator,
# who may call everything, sends those.
ROLES = {
    "operator": ("en", (POSITIVE, NEGATIVE)),
    "leader": ("zh-Hans", (POSITIVE,)),
    "member": ("zh-Hans", (POSITIVE,)),
    "supplier": ("en", (POSITIVE,)),
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def examples(operation) -> int:
    """PDFs take a second each to draw (fonts with every Chinese character): fewer of them."""
    return max(2, EXAMPLES // 3) if operation.path.endswith(".pdf") else EXAMPLES


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Django's own test client keeps the test's connection (and its transaction) across a
    request by not closing old connections at its start and end; do the same for the WSGI
    application schemathesis calls."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def app(db):
    with _connection_kept():
        yield WSGIHandler()


@pytest.fixture
def world(hood):
    """The world of tests/test_bad_input.py (open, past and formed group buys, orders, a
    purchase order, another community's), and the ids of its rows by the names the API
    gives them in paths and bodies."""
    world = build_world(hood)
    ids = world.ids
    book = relationship_book(hood.operator)  # the operator holds the relationship book
    connect = connect_programme(hood)  # and runs a consumer-connect programme
    world.rows = {
        "group_buy_id": [ids["gb"], ids["second_gb"], ids["past_gb"], ids["their_gb"]],
        "order_id": [ids["order"], ids["past_order"], ids["their_order"]],
        "community_id": [ids["community"], ids["other_community"]],
        "building_id": list(Building.objects.values_list("pk", flat=True)),
        "item_id": [ids["greens"], ids["eggs"], ids["past_greens"], ids["their_item"]],
        "product_id": [ids["greens_product"], ids["eggs_product"], ids["rice_product"]],
        "purchase_order_id": [ids["purchase_order"]],
        "household_id": [ids["neighbour_household"], ids["their_household"]],
        "leader_id": list(Leader.objects.values_list("pk", flat=True)),
        "supplier_id": list(Supplier.objects.values_list("pk", flat=True)),
        "entry_id": list(Entry.objects.values_list("pk", flat=True)[:5]),
        "person_id": [book["rel_person"], book["rel_other"]],
        "other_id": [book["rel_person"], book["rel_other"]],
        "organisation_id": [book["rel_org"]],
        "interaction_id": [book["rel_flagged"]],
        "reminder_id": [book["rel_reminder"]],
        "programme_id": [connect["cx_programme"]],
        "stay_id": [connect["cx_scheduled"], connect["cx_confirmed"], connect["cx_checked_in"]],
        "participant_id": [connect["cx_participant"]],
        "host_id": [connect["cx_host"]],
        "note_id": [connect["cx_note"]],
        "insight_id": [connect["cx_insight"]],
        "action_id": [connect["cx_action"]],
        "highlight_ids": [[connect["cx_highlight"]]],
    }
    return world


def _operations(schema) -> list:
    return sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda operation: (operation.path, operation.method),
    )


# The operator's run (both modes, every operation) is split into parts of every PARTS-th
# operation, so that the test processes share it (pytest -n 2) instead of one waiting on it.
PARTS = 4


@pytest.mark.parametrize(
    ("role", "part"),
    [("operator", part) for part in range(PARTS)] + [(role, None) for role in list(ROLES)[1:]],
    ids=lambda value: str(value) if value is not None else "all",
)
def test_no_generated_request_fails(app, world, role, part):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    language, modes = ROLES[role]
    headers = {"Authorization": f"Bearer {world.tokens[role]}", "Accept-Language": language}
    failures = []
    operations = _operations(schema)
    if part is not None:
        operations = operations[part::PARTS]
    for operation in operations:
        for mode in modes:
            try:
                _exercise(operation, mode, headers, world.rows)
            except (Exception, BaseExceptionGroup) as error:  # try all, report every failure
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {error}"
                )
    assert not failures, f"{len(failures)} failed:\n\n" + "\n\n".join(failures)


def _real_ids(value, rows, data):
    """The body with some of its ids (``item_id``, ``product_id`` …) swapped for real ones."""
    if isinstance(value, list):
        return [_real_ids(item, rows, data) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        key: data.draw(st.sampled_from(rows[key]), label=key)
        if rows.get(key) and data.draw(st.booleans(), label=f"real {key}")
        else _real_ids(item, rows, data)
        for key, item in value.items()
    }


def _exercise(operation, mode, headers, rows) -> None:
    @seed(SEED)
    @settings(
        max_examples=examples(operation),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        for name in case.path_parameters or {}:
            if rows.get(name) and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(rows[name]), label=name)
        if mode is POSITIVE and isinstance(case.body, dict | list):
            case.body = _real_ids(case.body, rows, data)
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()
