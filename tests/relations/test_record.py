"""The business record beside a partner: a supplier's and a leader's, from the group buys,
after-sales and the ledger."""

from linli.relations import services
from linli.relations.models import Organisation
from tests.aftersales.conftest import collected
from tests.apiclient import Api


def test_a_supplier_and_a_leader_have_their_business_beside_them(book, hood):
    _group_buy, order = collected(hood)
    supplier = services.add_organisation(
        actor=book.staff,
        spec=services.OrganisationSpec(
            name=hood.supplier.name, kind=Organisation.Kind.SUPPLIER, supplier_id=hood.supplier.pk
        ),
    )
    leader = services.add_organisation(
        actor=book.staff,
        spec=services.OrganisationSpec(
            name="团长工作室", kind=Organisation.Kind.OTHER, leader_id=hood.leader.pk
        ),
    )
    api = Api(book.staff)
    record = api.get(f"/relations/organisations/{supplier.pk}/coverage").json()["supplier"]
    assert {k: record[k] for k in ("group_buys", "deliveries", "on_time", "short")} == {
        "group_buys": 1,
        "deliveries": 1,
        "on_time": 1,
        "short": 0,
    }
    assert record["complaint_percent"] == "0.00%"
    record = api.get(f"/relations/organisations/{leader.pk}/coverage").json()["leader"]
    assert {k: record[k] for k in ("group_buys", "formed", "failed", "households")} == {
        "group_buys": 1,
        "formed": 1,
        "failed": 0,
        "households": 1,
    }
    assert record["sales_fen"] == order.total_fen
