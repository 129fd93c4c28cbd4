from django.db.models import Q, QuerySet

from linli.accounts.roles import Roles
from linli.core.errors import Forbidden

from .models import Product, Supplier


def visible_products(who: Roles) -> QuerySet[Product]:
    """Leaders and operators browse every product on sale; a supplier sees its own."""
    products = Product.objects.select_related("supplier").filter(active=True, supplier__active=True)
    if who.operator or who.leader_id is not None:
        return products
    if who.supplier_ids:
        return products.filter(supplier_id__in=who.supplier_ids)
    raise Forbidden()


def search_products(
    who: Roles, *, supplier_id=None, category: str = "", query: str = ""
) -> QuerySet[Product]:
    products = visible_products(who)
    if supplier_id is not None:
        products = products.filter(supplier_id=supplier_id)
    if category:
        products = products.filter(category=category)
    if query:
        products = products.filter(Q(name__icontains=query) | Q(supplier__name__icontains=query))
    return products.order_by("category", "name", "id")


def visible_suppliers(who: Roles) -> QuerySet[Supplier]:
    if who.operator or who.leader_id is not None:
        return Supplier.objects.filter(active=True)
    if who.supplier_ids:
        return Supplier.objects.filter(pk__in=who.supplier_ids)
    raise Forbidden()
