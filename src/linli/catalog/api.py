from ninja import Router
from ninja.pagination import paginate

from linli.accounts.roles import roles
from linli.core.schemas import QueryId, QueryText

from . import selectors
from .schemas import ProductOut, SupplierOut

router = Router(tags=["catalog"])


@router.get("/suppliers", response=list[SupplierOut], summary="Suppliers")
@paginate
def list_suppliers(request):
    return selectors.visible_suppliers(roles(request.auth)).order_by("name")


@router.get(
    "/products", response=list[ProductOut], summary="Products on sale, to open group buys from"
)
@paginate
def list_products(
    request, supplier_id: QueryId | None = None, category: QueryText = "", q: QueryText = ""
):
    return selectors.search_products(
        roles(request.auth), supplier_id=supplier_id, category=category[:20], query=q[:40]
    )
