"""What the generated requests (tests/test_generated_requests.py) found, each as the request
that found it, so that it stays fixed whether or not the generator comes back to it."""

import json

import pytest

from tests.apiclient import Api

HUGE = 10**30
TOO_BIG = {
    "en": "Must be at most 4611686018427387904.",
    "zh-Hans": "不能大于 4611686018427387904。",
}
TOO_SMALL = {"en": "Must be at least 1.", "zh-Hans": "不能小于 1。"}
INVALID = {"en": "Some of what was sent is not valid.", "zh-Hans": "提交的内容有误。"}

# GET /api/group-buys?community_id=-9999999999999999999 answered 500: an id in a query string
# went to the database unbounded, and SQLite cannot take an integer past 64 bits
# (OverflowError). Every id filter of a list, and the 跟团号 of the pickup search.
QUERY_IDS = [
    ("/group-buys", "community_id"),
    ("/orders", "group_buy_id"),
    ("/purchase-orders", "group_buy_id"),
    ("/purchase-orders", "community_id"),
    ("/products", "supplier_id"),
    ("/communities/{community}/households", "building_id"),
    ("/group-buys/{group_buy}/pickup/search", "seq"),
]


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
@pytest.mark.parametrize(("path", "name"), QUERY_IDS)
def test_an_id_in_a_query_past_any_row_is_refused(hood, path, name, language):
    group_buy, _orders = hood.formed()
    path = path.format(community=hood.community.pk, group_buy=group_buy.pk)
    api = Api(hood.leader_user, language=language)
    for value, message in [
        (-9999999999999999999, TOO_SMALL),
        (HUGE, TOO_BIG),
        (2**63, TOO_BIG),
        (0, TOO_SMALL),
    ]:
        response = api.get(path, **{name: value})
        assert (response.status_code, response.json()) == (
            422,
            {
                "code": "invalid",
                "message": INVALID[language],
                "details": [{"field": name, "message": message[language]}],
            },
        ), value
    assert api.get(path, **{name: 2**62}).status_code == 200


def test_the_document_states_the_bounds_of_query_ids(hood):
    document = Api(hood.operator).get("/openapi.json").json()
    for path, name in QUERY_IDS:
        path = "/api" + path.replace("{community}", "{community_id}").replace(
            "{group_buy}", "{group_buy_id}"
        )
        (parameter,) = (
            p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name
        )
        schema = parameter["schema"]["anyOf"][0]
        assert (schema["minimum"], schema["maximum"]) == (1, 2**62), (path, name)


def test_every_operation_documents_its_errors_and_each_status_once(hood, client):
    """The file operations listed 200 twice (``200`` and ``"200"``: a JSON object with a
    repeated key, read differently by each reader); every 4xx body is ``{code, message,
    details}`` and the document says so."""
    text = client.get("/api/openapi.json").content.decode()
    document = json.loads(text, object_pairs_hook=_no_repeated_keys)
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["4XX"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (method, path)
            for status, response in responses.items():
                assert "description" in response, (method, path, status)
    pdf = document["paths"]["/api/group-buys/{group_buy_id}/distribution.pdf"]["get"]
    assert pdf["responses"]["200"] == {
        "description": "OK",
        "content": {"application/pdf": {}},
    }


def _no_repeated_keys(pairs):
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), keys
    return dict(pairs)


# Reads sent as POST (a preview, a sign-in), which store nothing a retry could repeat; and
# files of personal data, which an idempotency key would keep a copy of: a household's copy of
# its data downloads once (a retry is refused), a leader's contacts export is audited each time.
NOT_CHANGING = {
    ("post", "/api/auth/token"),
    ("post", "/api/group-buys/{group_buy_id}/jielong/preview"),
    ("post", "/api/privacy/copies/{copy_id}/download"),
    ("post", "/api/privacy/communities/{community_id}/contacts.xlsx"),
}


def test_every_state_changing_operation_documents_the_idempotency_key(client):
    """The key was only in the API's description, so generated requests never sent one."""
    document = client.get("/api/openapi.json").json()
    keyed, changing = set(), set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            if "Idempotency-Key" in headers:
                keyed.add((method, path))
                assert headers["Idempotency-Key"]["schema"] == {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                }
                assert headers["Idempotency-Key"]["required"] is False
            if method != "get" and (method, path) not in NOT_CHANGING:
                changing.add((method, path))
    assert keyed == changing
    assert ("post", "/api/group-buys/{group_buy_id}/orders") in keyed
