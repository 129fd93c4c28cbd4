"""The role the catalogue holds (:mod:`linli.accounts.roles`): staff of a supplier, one row per
supplier. The staff of an inactive supplier act for it no more."""

from linli.accounts.roles import register_part
from linli.core.rows import Picked

from .models import Supplier


def supplier_sql() -> str:
    supplier, staff = Picked(Supplier, "s"), Picked(Supplier.users.through, "u")
    return (
        f"SELECT 'supplier', {supplier.column('id')}, NULL"
        f" FROM {supplier.table}"
        f" JOIN {staff.table} ON {staff.column('supplier')} = {supplier.column('id')}"
        f" WHERE {staff.column('user')} = %s AND {supplier.column('active')}"
    )


register_part("supplier", supplier_sql)
