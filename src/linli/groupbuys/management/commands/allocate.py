from rich.table import Table

from linli.core.formatting import LocalTime, yuan
from linli.core.management.base import LinliCommand
from linli.groupbuys import services
from linli.groupbuys.fair_shares import Policy


class Command(LinliCommand):
    help = (
        "Share out a short delivery of an item: GROUP_BUY_ID ITEM_ID --policy "
        "proportional|equal|fcfs; shows the outcome, and stores it with --apply."
    )

    def add_arguments(self, parser):
        self.add_actor_argument(parser)
        parser.add_argument("group_buy_id", type=int)
        parser.add_argument("item_id", type=int)
        parser.add_argument("--policy", required=True, choices=[policy.value for policy in Policy])
        parser.add_argument("--apply", action="store_true", help="store the shares (once)")

    def handle(self, *args, actor, group_buy_id, item_id, policy, apply, **options):
        user = self.actor(actor)
        call = services.apply_allocation if apply else services.plan_allocation
        plan = call(actor=user, group_buy_id=group_buy_id, item_id=item_id, policy=policy)
        self.console.print(
            f"{plan.product}: {plan.delivered}/{plan.ordered} {plan.unit} · {plan.policy_label}"
            + (f" · {LocalTime(plan.applied_at)}" if plan.applied_at else " · preview")
        )
        for rule in plan.rules:
            self.console.print(f"- {rule}")
        table = Table("#", "building", "room", "vulnerable", "ordered", "share", "short", "refund")
        for line in plan.lines:
            table.add_row(
                str(line.seq),
                line.building,
                line.room,
                "✓" if line.vulnerable else "",
                str(line.ordered),
                str(line.allocated),
                str(line.shortfall),
                yuan(line.shortfall_fen),
            )
        self.console.print(table)
        self.console.print(
            f"allocated {plan.allocated}, short {plan.shortfall}, to refund "
            f"{yuan(plan.shortfall_fen)}"
        )
