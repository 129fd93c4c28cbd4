"""The ledger of the demo city's history, as the services would have written it.

Run once, when the history and today's orders have been loaded in bulk and before anyone acts
through the services (which post their own entries). Set-based, a dozen ``INSERT … SELECT``
statements whatever the size of the city:

- every order not cancelled is charged to its household (one entry per order);
- most households paid, by WeChat transfer (7 in 10, with the transfer's number), cash or a
  bank transfer; one in ten of the orders of formed group buys is still unpaid, and so are
  half of those still open;
- a failed group buy credits its households back, and the leader has paid back four in
  five of those who had paid;
- a completed group buy is settled: the suppliers at cost for what they delivered, the leader
  at their commission rate (rounded half up), the operator the rest.

Short deliveries of the history are not refunded here (their shares are not recorded per
order): the history's group buys count what was delivered at cost and sold what was charged.
"""

from django.db import connection

from linli.communities.models import Leader
from linli.groupbuys.models import GroupBuy, Order, PurchaseOrder, PurchaseOrderLine
from linli.ledger.models import Account, Entry, Posting

ORDER = Order._meta.db_table
GROUP_BUY = GroupBuy._meta.db_table
PO = PurchaseOrder._meta.db_table
PO_LINE = PurchaseOrderLine._meta.db_table
LEADER = Leader._meta.db_table
ACCOUNT = Account._meta.db_table
ENTRY = Entry._meta.db_table
POSTING = Posting._meta.db_table

CHARGED = "('placed', 'confirmed', 'failed')"
# Paid: by the order's id, deterministic and spread over the city.
PAID = "(o.id % 10 <> 3 AND g.status <> 'open' OR o.id % 2 = 0)"
METHOD = "CASE WHEN o.id % 10 < 7 THEN 'wechat_transfer' WHEN o.id % 10 < 9 THEN 'cash' ELSE 'bank_transfer' END"
REFERENCE = (
    "CASE WHEN o.id % 10 < 7 THEN 'WX' || o.id WHEN o.id % 10 < 9 THEN '' ELSE 'BK' || o.id END"
)


def _account(kind: str, owner: str = "0", method: str = "''") -> str:
    return (
        f"(SELECT id FROM {ACCOUNT} WHERE kind = '{kind}' AND owner_id = {owner}"
        f" AND method = {method} AND unit = 'CNY')"
    )


STATEMENTS = [
    # Accounts.
    f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit)"
    f" SELECT DISTINCT 'household', household_id, '', 'CNY' FROM {ORDER}"
    f" WHERE status IN {CHARGED}",
    f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit)"
    f" SELECT DISTINCT 'sales', group_buy_id, '', 'CNY' FROM {ORDER} WHERE status IN {CHARGED}",
    f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit) VALUES"
    " ('clearing', 0, 'wechat_transfer', 'CNY'), ('clearing', 0, 'cash', 'CNY'),"
    " ('clearing', 0, 'bank_transfer', 'CNY'), ('operator', 0, '', 'CNY')",
    f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit)"
    f" SELECT DISTINCT 'supplier', po.supplier_id, '', 'CNY' FROM {PO} po"
    f" JOIN {GROUP_BUY} g ON g.id = po.group_buy_id WHERE g.status = 'completed'",
    f"INSERT INTO {ACCOUNT} (kind, owner_id, method, unit)"
    f" SELECT DISTINCT 'leader', leader_id, '', 'CNY' FROM {GROUP_BUY}"
    " WHERE status = 'completed' AND leader_id IS NOT NULL",
    # Charges: one entry per order, then its two postings.
    f"INSERT INTO {ENTRY} (kind, memo, method, reference, at, group_buy_id, order_id)"
    f" SELECT 'charge', '', '', '', o.placed_at, o.group_buy_id, o.id FROM {ORDER} o"
    f" WHERE o.status IN {CHARGED}",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, h.id, o.total_fen FROM {ENTRY} e JOIN {ORDER} o ON o.id = e.order_id"
    f" JOIN {ACCOUNT} h ON h.kind = 'household' AND h.owner_id = o.household_id"
    " AND h.method = '' AND h.unit = 'CNY' WHERE e.kind = 'charge'",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, s.id, -o.total_fen FROM {ENTRY} e JOIN {ORDER} o ON o.id = e.order_id"
    f" JOIN {ACCOUNT} s ON s.kind = 'sales' AND s.owner_id = o.group_buy_id"
    " AND s.method = '' AND s.unit = 'CNY' WHERE e.kind = 'charge'",
    # Payments, one per paid order.
    f"INSERT INTO {ENTRY} (kind, memo, method, reference, at, group_buy_id, order_id)"
    f" SELECT 'payment', '', {METHOD}, {REFERENCE}, o.placed_at, o.group_buy_id, o.id"
    f" FROM {ORDER} o JOIN {GROUP_BUY} g ON g.id = o.group_buy_id"
    f" WHERE o.status IN {CHARGED} AND {PAID}",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, c.id, o.total_fen FROM {ENTRY} e JOIN {ORDER} o ON o.id = e.order_id"
    f" JOIN {ACCOUNT} c ON c.kind = 'clearing' AND c.owner_id = 0 AND c.method = e.method"
    " AND c.unit = 'CNY' WHERE e.kind = 'payment'",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, h.id, -o.total_fen FROM {ENTRY} e JOIN {ORDER} o ON o.id = e.order_id"
    f" JOIN {ACCOUNT} h ON h.kind = 'household' AND h.owner_id = o.household_id"
    " AND h.method = '' AND h.unit = 'CNY' WHERE e.kind = 'payment'",
    # Failed group buys: every charge credited back, one entry per group buy.
    f"INSERT INTO {ENTRY} (kind, memo, method, reference, at, group_buy_id, key)"
    f" SELECT 'failed', g.title, '', '', g.closed_at, g.id, 'failed:' || g.id"
    f" FROM {GROUP_BUY} g WHERE g.status = 'failed'"
    f" AND EXISTS (SELECT 1 FROM {ORDER} o WHERE o.group_buy_id = g.id AND o.status = 'failed')",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, h.id, -SUM(o.total_fen) FROM {ENTRY} e"
    f" JOIN {ORDER} o ON o.group_buy_id = e.group_buy_id AND o.status = 'failed'"
    f" JOIN {ACCOUNT} h ON h.kind = 'household' AND h.owner_id = o.household_id"
    " AND h.method = '' AND h.unit = 'CNY' WHERE e.kind = 'failed' GROUP BY e.id, h.id",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, s.id, SUM(o.total_fen) FROM {ENTRY} e"
    f" JOIN {ORDER} o ON o.group_buy_id = e.group_buy_id AND o.status = 'failed'"
    f" JOIN {ACCOUNT} s ON s.kind = 'sales' AND s.owner_id = e.group_buy_id"
    " AND s.method = '' AND s.unit = 'CNY' WHERE e.kind = 'failed' GROUP BY e.id, s.id",
    # ... and four in five of those who had paid got their money back the next day.
    f"INSERT INTO {ENTRY} (kind, memo, method, reference, at, group_buy_id, order_id)"
    f" SELECT 'refund_paid', '', p.method, '', g.closed_at, g.id, p.order_id FROM {ENTRY} p"
    f" JOIN {GROUP_BUY} g ON g.id = p.group_buy_id"
    " WHERE p.kind = 'payment' AND g.status = 'failed' AND p.order_id % 5 <> 1",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, p.account_id, -p.amount FROM {ENTRY} e"
    f" JOIN {ENTRY} paid ON paid.kind = 'payment' AND paid.order_id = e.order_id"
    f" JOIN {POSTING} p ON p.entry_id = paid.id WHERE e.kind = 'refund_paid'",
    # Completed group buys: settled to supplier, leader and operator.
    f"INSERT INTO {ENTRY} (kind, memo, method, reference, at, group_buy_id, key)"
    f" SELECT 'settlement', g.title, '', '', g.completed_at, g.id, 'settlement:' || g.id"
    f" FROM {GROUP_BUY} g WHERE g.status = 'completed'"
    f" AND EXISTS (SELECT 1 FROM {ORDER} o WHERE o.group_buy_id = g.id AND o.status = 'confirmed')",
]

# The settlement's postings, from each group buy's sales, costs and leader's rate: the same rules
# as linli.ledger.rules (commission half up) and linli.groupbuys.rules.line_cost_fen, in SQL for
# 180 days of history at once; tests/demo checks the demo's ledger against them.
SALES = f"(SELECT SUM(o.total_fen) FROM {ORDER} o WHERE o.group_buy_id = g.id AND o.status = 'confirmed')"
COMMISSION = f"(({SALES}) * l.commission_bp * 2 + 10000) / 20000"
COST = (
    f"(SELECT COALESCE(SUM(COALESCE(pl.delivered, pl.quantity) * pl.unit_cost_fen), 0)"
    f" FROM {PO_LINE} pl JOIN {PO} po ON po.id = pl.purchase_order_id WHERE po.group_buy_id = g.id)"
)
SETTLE = f" FROM {ENTRY} e JOIN {GROUP_BUY} g ON g.id = e.group_buy_id"
SETTLE_LEADER = f"{SETTLE} JOIN {LEADER} l ON l.id = g.leader_id"
STATEMENTS += [
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, {_account('sales', 'g.id')}, {SALES}{SETTLE} WHERE e.kind = 'settlement'",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, {_account('supplier', 'po.supplier_id')},"
    " -SUM(COALESCE(pl.delivered, pl.quantity) * pl.unit_cost_fen)"
    f"{SETTLE} JOIN {PO} po ON po.group_buy_id = g.id"
    f" JOIN {PO_LINE} pl ON pl.purchase_order_id = po.id WHERE e.kind = 'settlement'"
    " GROUP BY e.id, po.supplier_id"
    " HAVING SUM(COALESCE(pl.delivered, pl.quantity) * pl.unit_cost_fen) <> 0",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, {_account('leader', 'g.leader_id')}, -{COMMISSION}{SETTLE_LEADER}"
    f" WHERE e.kind = 'settlement' AND {COMMISSION} <> 0",
    f"INSERT INTO {POSTING} (entry_id, account_id, amount)"
    f" SELECT e.id, {_account('operator')}, {COST} + COALESCE({COMMISSION}, 0) - {SALES}"
    f"{SETTLE} LEFT JOIN {LEADER} l ON l.id = g.leader_id"
    f" WHERE e.kind = 'settlement' AND {COST} + COALESCE({COMMISSION}, 0) - {SALES} <> 0",
]


def post_history() -> int:
    """Write the history's entries; returns how many postings were written."""
    with connection.cursor() as cursor:
        for statement in STATEMENTS:
            cursor.execute(statement)
        cursor.execute(f"SELECT COUNT(*) FROM {POSTING}")
        return cursor.fetchone()[0]
