"""Every schema of the API has a name of its own: two apps' ``StandingOut`` would be one entry
in the OpenAPI document, and the requests generated from it (tests/test_generated_requests.py)
would check one app's answers against the other's shape."""

from collections import defaultdict

from ninja import Schema

from linli.api import api


def subclasses(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *subclasses(cls)]
    return found


def test_no_two_schemas_of_ours_share_a_name():
    api.get_openapi_schema()  # every router's schemas are imported and built
    modules = defaultdict(set)
    for cls in subclasses(Schema):
        if cls.__module__.startswith("linli."):
            modules[cls.__name__].add(cls.__module__)
    shared = {name: sorted(found) for name, found in modules.items() if len(found) > 1}
    assert shared == {}
