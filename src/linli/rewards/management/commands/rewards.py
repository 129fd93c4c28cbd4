import time
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError
from rich.table import Table

from linli.core.management.base import LinliCommand
from linli.rewards import selectors, services
from linli.rewards.certificate import certificate_pdf
from linli.rewards.models import EarningRule, RewardUnit, Trigger


class Command(LinliCommand):
    help = (
        "Points, perks and green energy. `linli rewards check` proves the rewards' books agree "
        "with the ledger; `expire`, `lapse`, `review-tiers` run the worker's jobs now; `earn "
        "GROUP_BUY_ID` earns for a group buy's pickups (set-based; once); `rules` lists the "
        "earning rules, `add-rule --as OPERATOR …` adds one; `me --as USERNAME` shows a "
        "household's points and energy; `plant --as OPERATOR …` records a planting batch; "
        "`certificate CODE --as USERNAME -o FILE.pdf` writes a tree's certificate."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("check", help="Points and energy agree with the ledger.")
        commands.add_parser("expire", help="Expire the points past their time now.")
        commands.add_parser("lapse", help="Lapse the energy not collected in time now.")
        commands.add_parser("review-tiers", help="The yearly tier review, now.")
        earn = commands.add_parser("earn", help="Earn for a group buy's pickups.")
        earn.add_argument("group_buy_id", type=int)
        commands.add_parser("rules", help="The earning rules.")
        add = commands.add_parser("add-rule", help="Add an earning rule.")
        add.add_argument("--name", required=True)
        add.add_argument("--trigger", required=True, choices=Trigger.values)
        add.add_argument("--amount", required=True, type=int)
        add.add_argument("--unit", default=RewardUnit.POINTS.value, choices=RewardUnit.values)
        add.add_argument(
            "--effect", default=EarningRule.Effect.FIXED.value, choices=EarningRule.Effect.values
        )
        self.add_actor_argument(add)
        me = commands.add_parser("me", help="A household's points, tier and energy.")
        self.add_actor_argument(me)
        plant = commands.add_parser("plant", help="Record a planting batch.")
        plant.add_argument("--species", type=int, required=True)
        plant.add_argument("--count", type=int, required=True)
        plant.add_argument("--partner", required=True)
        plant.add_argument("--place", required=True)
        plant.add_argument("--lat", type=float, required=True)
        plant.add_argument("--lng", type=float, required=True)
        plant.add_argument("--date", type=date.fromisoformat, required=True)
        self.add_actor_argument(plant)
        cert = commands.add_parser("certificate", help="Write a planted tree's certificate.")
        cert.add_argument("code")
        cert.add_argument("-o", "--output", type=Path, required=True)
        self.add_actor_argument(cert)

    def handle(self, *args, command, **options):
        getattr(self, f"do_{command.replace('-', '_')}")(**options)

    def do_check(self, **options):
        started = time.perf_counter()
        found = selectors.check()
        for line in found.wrong[:20]:
            self.console.print(line)
        took = time.perf_counter() - started
        if not found.ok:
            raise CommandError(f"{len(found.wrong)} differences in {found.households} households.")
        self.console.print(
            f"{found.households} households: points and energy agree with the ledger "
            f"({took:.1f} s)."
        )

    def do_expire(self, **options):
        started = time.perf_counter()
        result = services.expire_due()
        self.console.print(
            f"{result['points']} points of {result['households']} households expired "
            f"({time.perf_counter() - started:.1f} s)."
        )

    def do_lapse(self, **options):
        self.console.print(f"{services.lapse_due()} energy drops lapsed.")

    def do_review_tiers(self, **options):
        self.console.print(f"{services.review_tiers()['households']} households hold a tier.")

    def do_earn(self, *, group_buy_id: int, **options):
        started = time.perf_counter()
        written = services.earn_for_pickups(group_buy_id=group_buy_id)
        self.console.print(
            f"{written['lots']} points earned, {written['drops']} energy drops "
            f"({time.perf_counter() - started:.2f} s)."
        )

    def do_rules(self, **options):
        table = Table(title="earning rules")
        for column in ("id", "name", "trigger", "gives", "active"):
            table.add_column(column)
        for rule in selectors.rules_list()[:200]:
            per = " / yuan" if rule.effect == EarningRule.Effect.PER_YUAN else ""
            table.add_row(
                str(rule.pk),
                rule.name,
                rule.trigger,
                f"{rule.amount} {rule.unit}{per}",
                "yes" if rule.active else "no",
            )
        self.console.print(table)

    def do_add_rule(self, *, actor, name, trigger, amount, unit, effect, **options):
        rule = services.create_rule(
            actor=self.actor(actor),
            name=name,
            trigger=trigger,
            amount=amount,
            unit=unit,
            effect=effect,
        )
        self.console.print(f"Rule {rule.pk} added: {rule.name}.")

    def do_me(self, *, actor, **options):
        user = self.actor(actor)
        household = selectors.household_for(user)
        s = selectors.standing(household)
        e = selectors.energy(household)
        tier = s.tier.name if s.tier else "—"
        self.console.print(
            f"{s.points} points, tier {tier} ({s.earned_12m} earned in 12 months); "
            f"{e.balance} g energy collected, {e.ready_g} g ready to collect."
        )

    def do_plant(self, *, actor, species, count, partner, place, lat, lng, date, **options):
        batch = services.plant(
            actor=self.actor(actor),
            partner=partner,
            place=place,
            lat=lat,
            lng=lng,
            planted_on=date,
            species_id=species,
            count=count,
        )
        codes = list(batch.trees.order_by("id").values_list("code", flat=True))
        self.console.print(f"Batch {batch.pk}: {len(codes)} trees planted: {', '.join(codes)}")

    def do_certificate(self, *, actor, code, output: Path, **options):
        tree = selectors.certificate_tree(self.actor(actor), code)
        output.write_bytes(certificate_pdf(tree))
        self.console.print(f"Certificate of {tree.code} written to {output}.")
