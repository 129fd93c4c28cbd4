"""Rewards for programs: a member's points, perks, energy and tree; a leader's records at the
gate; operators' rules, perks, species, sites and plantings; everyone's forest. Thin: parse,
call, answer."""

from django.conf import settings
from django.http import HttpResponse
from ninja import Router
from ninja.pagination import paginate

from linli.core.files import FILE, PDF, attachment, documented
from linli.core.idempotency import idempotent
from linli.core.schemas import QueryId

from . import rules, selectors, services
from .certificate import certificate_pdf
from .models import EarningRule, EnergyDrop, Goal, Perk, PlantingBatch, Tier, Tree
from .progress import GoalProgress
from .schemas import (
    ActiveIn,
    BatchIn,
    BatchOut,
    CollectedOut,
    DropOut,
    EnergyOut,
    ForestOut,
    GoalIn,
    GoalOut,
    GoalProgressOut,
    GreenActionIn,
    GreenActionOut,
    ImperfectIn,
    ImperfectOut,
    ModelOut,
    PerkIn,
    PerkOut,
    RedemptionOut,
    ReferralIn,
    ReferralOut,
    RuleIn,
    RuleOut,
    SiteIn,
    SiteOut,
    SpeciesIn,
    SpeciesOut,
    StandingOut,
    TierOut,
    TreeIn,
    TreeOut,
    WaterIn,
)
from .services import book
from .services.access import operator

router = Router(tags=["rewards"])

SOURCES = [
    "Edwards, McKinnon & Cullinane (2010), Comparative analysis of the carbon footprints of "
    "conventional and online retailing: a 'last mile' perspective, IJPDLM 40(1/2): 181 g CO2 "
    "per home-delivery drop.",
    "UK DESNZ/DEFRA greenhouse gas conversion factors (2023): average diesel van, about "
    "0.27 kg CO2e per km.",
    "Ant Forest (蚂蚁森林): 1 g of green energy = 1 g of CO2 avoided; 梭梭 17,900 g, 红柳 22,400 g.",
]


def tier_out(tier: Tier | None) -> TierOut | None:
    return (
        TierOut(name=tier.name, name_en=tier.name_en, min_points=tier.min_points) if tier else None
    )


def perk_out(perk: Perk, *, may: bool | None = None, why: str | None = None) -> PerkOut:
    return PerkOut(
        id=perk.pk,
        name=perk.name,
        kind=perk.kind,
        kind_label=str(perk.get_kind_display()),
        cost=perk.cost,
        left=perk.left,
        min_tier=perk.min_tier.name if perk.min_tier else None,
        hours_early=perk.hours_early,
        coupon_fen=perk.coupon_fen,
        product_id=perk.product_id,
        may_redeem=may,
        why_not=why,
    )


def rule_out(rule: EarningRule) -> RuleOut:
    return RuleOut(
        id=rule.pk,
        name=rule.name,
        trigger=rule.trigger,
        trigger_label=str(rule.get_trigger_display()),
        unit=rule.unit,
        effect=rule.effect,
        amount=rule.amount,
        community_id=rule.community_id,
        category=rule.category,
        min_amount_fen=rule.min_amount_fen,
        per_day_cap=rule.per_day_cap,
        per_month_cap=rule.per_month_cap,
        starts_on=rule.starts_on,
        ends_on=rule.ends_on,
        active=rule.active,
    )


def standing_out(household_id: int) -> StandingOut:
    s = selectors.standing(household_id)
    return StandingOut(
        household_id=household_id,
        points=s.points,
        energy_g=s.energy,
        tier=tier_out(s.tier),
        next_tier=tier_out(s.next_tier),
        earned_12m=s.earned_12m,
        expiring=[{"at": at, "points": n} for at, n in s.expiring],
        history=[
            {
                "id": lot.pk,
                "rule": lot.rule_name,
                "source": lot.source,
                "amount": lot.amount,
                "remaining": lot.remaining,
                "taken_back": lot.taken_back,
                "earned_at": lot.earned_at,
                "expires_at": lot.expires_at,
            }
            for lot in s.lots
        ],
        redemptions=[redemption_out(r, s.points) for r in s.redemptions],
        perks=[perk_out(v.perk, may=v.may_redeem, why=v.why_not) for v in s.perks],
    )


def redemption_out(r, points_left: int) -> RedemptionOut:
    return RedemptionOut(
        id=r.pk,
        perk_id=r.perk_id,
        perk=r.perk_name,
        points=r.points,
        code=r.code,
        at=r.at,
        points_left=points_left,
    )


def drop_out(d: EnergyDrop) -> DropOut:
    return DropOut(
        id=d.pk,
        source=d.source,
        order_id=d.order_id,
        avoided_g=d.avoided_g,
        grams=d.grams,
        appears_at=d.appears_at,
        lapses_at=d.lapses_at,
        collected_at=d.collected_at,
        lapsed_at=d.lapsed_at,
    )


def tree_out(tree: Tree | None) -> TreeOut | None:
    if tree is None:
        return None
    return TreeOut(
        id=tree.pk,
        species=tree.species.name,
        species_en=tree.species.name_en,
        energy_g=tree.energy_g,
        needed_g=tree.species.energy_g,
        stage=rules.stage(tree.energy_g, tree.species.energy_g),
        together=tree.building_id is not None,
        grown_at=tree.grown_at,
        code=tree.code,
    )


def energy_out(household_id: int) -> EnergyOut:
    e = selectors.energy(household_id)
    return EnergyOut(
        household_id=household_id,
        balance_g=e.balance,
        ready_g=e.ready_g,
        ready=[drop_out(d) for d in e.ready],
        coming=[drop_out(d) for d in e.coming],
        recent=[drop_out(d) for d in e.recent],
        tree=tree_out(e.tree),
        shared_tree=tree_out(e.shared_tree),
        grown=[t for t in (tree_out(t) for t in e.grown) if t is not None],
    )


# --- members ---------------------------------------------------------------------------------


@router.get("/rewards/me", response=StandingOut, summary="My household's points, tier, perks")
def my_rewards(request):
    return standing_out(selectors.household_for(request.auth))


@router.get(
    "/households/{household_id}/rewards",
    response=StandingOut,
    summary="A household's points (the household itself, operators)",
)
def household_rewards(request, household_id: int):
    return standing_out(selectors.household_for(request.auth, household_id))


@router.get("/rewards/perks", response=list[PerkOut], summary="The perks catalogue")
@paginate
def list_perks(request, community_id: QueryId | None = None):
    return [perk_out(p) for p in selectors.perks_for(community_id)]


@router.post(
    "/rewards/perks/{perk_id}/redeem",
    response={201: RedemptionOut},
    summary="Spend my household's points on a perk",
)
@idempotent
def redeem(request, perk_id: int):
    redemption = services.redeem(actor=request.auth, perk_id=perk_id)
    return 201, redemption_out(redemption, book.points_of(redemption.household_id))


@router.get("/rewards/energy", response=EnergyOut, summary="My green energy and trees")
def my_energy(request):
    return energy_out(selectors.household_for(request.auth))


@router.post(
    "/rewards/energy/collect",
    response={200: CollectedOut},
    summary="Collect the energy that appeared",
)
@idempotent
def collect(request):
    grams = services.collect(actor=request.auth)
    household = selectors.household_for(request.auth)
    return 200, CollectedOut(grams=grams, balance_g=book.energy_of(household))


@router.post("/rewards/trees", response={201: TreeOut}, summary="Start a tree (or 合种)")
@idempotent
def start_tree(request, payload: TreeIn):
    tree = services.start_tree(
        actor=request.auth, species_id=payload.species_id, together=payload.together
    )
    return 201, tree_out(Tree.objects.select_related("species").get(pk=tree.pk))


@router.post("/rewards/trees/water", response={200: TreeOut}, summary="Give energy to the tree")
@idempotent
def water(request, payload: WaterIn):
    watering = services.water(actor=request.auth, together=payload.together, grams=payload.grams)
    return 200, tree_out(Tree.objects.select_related("species").get(pk=watering.tree_id))


@router.get(
    "/rewards/trees/{code}/certificate.pdf",
    response=FILE,
    summary="A planted tree's certificate (A4 PDF)",
    openapi_extra=documented(PDF),
)
def certificate(request, code: str) -> HttpResponse:
    tree = selectors.certificate_tree(request.auth, code[:20])
    return attachment(certificate_pdf(tree), PDF, f"tree-{tree.code}.pdf")


@router.get("/rewards/species", response=list[SpeciesOut], summary="Tree species")
def list_species(request):
    return [
        SpeciesOut(id=s.pk, name=s.name, name_en=s.name_en, energy_g=s.energy_g)
        for s in selectors.species_list()
    ]


@router.get("/rewards/forest", response=ForestOut, summary="The community forest")
def forest(request, community_id: QueryId | None = None):
    f = selectors.forest(request.auth, community_id=community_id)
    return ForestOut(
        total_avoided_g=f.total_avoided_g,
        total_grown=f.total_grown,
        total_planted=f.total_planted,
        communities=[vars(r) for r in f.communities],
        buildings=[vars(r) for r in f.buildings],
        months=[{"month": m, "avoided_g": g} for m, g in f.months],
    )


@router.get("/rewards/model", response=ModelOut, summary="The green-energy model and sources")
def energy_model(request):
    cfg = settings.LINLI_REWARDS
    return ModelOut(
        van_drop_g=cfg["VAN_DROP_G"],
        vehicle_g_per_km=cfg["VEHICLE_G_PER_KM"],
        road_factor=cfg["ROAD_FACTOR"],
        default_km=cfg["DEFAULT_KM"],
        collect_hours=cfg["COLLECT_HOURS"],
        energy_day_cap_g=cfg["ENERGY_DAY_CAP_G"],
        points_expire_days=cfg["POINTS_EXPIRE_DAYS"],
        sources=SOURCES,
    )


# --- leaders ---------------------------------------------------------------------------------


@router.post(
    "/rewards/green-actions",
    response={201: GreenActionOut},
    summary="Record an own bag or returned crates at the pickup (leader)",
)
@idempotent
def record_green_action(request, payload: GreenActionIn):
    action = services.record_green_action(
        actor=request.auth, order_id=payload.order_id, kind=payload.kind
    )
    return 201, GreenActionOut(
        id=action.pk, order_id=action.order_id, household_id=action.household_id, kind=action.kind
    )


@router.post(
    "/rewards/imperfect-items",
    response={200: ImperfectOut},
    summary="Flag an item as imperfect produce (leader)",
)
@idempotent
def flag_imperfect(request, payload: ImperfectIn):
    flagged = services.flag_imperfect(
        actor=request.auth, item_id=payload.item_id, imperfect=payload.imperfect
    )
    return 200, ImperfectOut(item_id=payload.item_id, imperfect=flagged)


@router.post(
    "/rewards/referrals",
    response={201: ReferralOut},
    summary="Record that a household joined through another's invitation (leader)",
)
@idempotent
def record_referral(request, payload: ReferralIn):
    referral = services.record_referral(
        actor=request.auth, household_id=payload.household_id, invited_by_id=payload.invited_by_id
    )
    return 201, ReferralOut(
        household_id=referral.household_id, invited_by_id=referral.invited_by_id
    )


# --- operators -------------------------------------------------------------------------------


@router.get("/rewards/rules", response=list[RuleOut], summary="Earning rules (operators)")
@paginate
def list_rules(request):
    operator(request.auth)
    return [rule_out(r) for r in selectors.rules_list()[:200]]


@router.post("/rewards/rules", response={201: RuleOut}, summary="Add an earning rule (operators)")
@idempotent
def create_rule(request, payload: RuleIn):
    rule = services.create_rule(actor=request.auth, **payload.model_dump())
    return 201, rule_out(rule)


@router.post(
    "/rewards/rules/{rule_id}/active", response={200: RuleOut}, summary="Switch a rule on or off"
)
@idempotent
def set_rule_active(request, rule_id: int, payload: ActiveIn):
    rule = services.set_rule_active(actor=request.auth, rule_id=rule_id, active=payload.active)
    return 200, rule_out(rule)


@router.post("/rewards/perks", response={201: PerkOut}, summary="Add a perk (operators)")
@idempotent
def create_perk(request, payload: PerkIn):
    perk = services.create_perk(actor=request.auth, **payload.model_dump())
    return 201, perk_out(Perk.objects.select_related("min_tier").get(pk=perk.pk))


@router.post("/rewards/species", response={201: SpeciesOut}, summary="Add a tree species")
@idempotent
def create_species(request, payload: SpeciesIn):
    s = services.create_species(actor=request.auth, **payload.model_dump())
    return 201, SpeciesOut(id=s.pk, name=s.name, name_en=s.name_en, energy_g=s.energy_g)


@router.put(
    "/rewards/sites", response={200: SiteOut}, summary="Set a gate's or a depot's coordinates"
)
@idempotent
def set_site(request, payload: SiteIn):
    site = services.set_site(
        actor=request.auth,
        kind=payload.kind,
        owner_id=payload.owner_id,
        lat=float(payload.lat),
        lng=float(payload.lng),
    )
    return 200, SiteOut(kind=site.kind, owner_id=site.owner_id, lat=site.lat, lng=site.lng)


def batch_out(batch: PlantingBatch) -> BatchOut:
    return BatchOut(
        id=batch.pk,
        partner=batch.partner,
        place=batch.place,
        lat=batch.lat,
        lng=batch.lng,
        planted_on=batch.planted_on,
        species=batch.species.name,
        count=batch.count,
        codes=[c for c in batch.trees.order_by("id").values_list("code", flat=True) if c],
    )


@router.get("/rewards/batches", response=list[BatchOut], summary="Planting batches")
@paginate
def list_batches(request):
    operator(request.auth)
    return [batch_out(b) for b in selectors.batches()]


@router.post(
    "/rewards/batches", response={201: BatchOut}, summary="Record a planting batch (operators)"
)
@idempotent
def plant(request, payload: BatchIn):
    data = payload.model_dump()
    data["lat"], data["lng"] = float(data["lat"]), float(data["lng"])
    batch = services.plant(actor=request.auth, **data)
    return 201, batch_out(batch)


# --- community goals -------------------------------------------------------------------------


def goal_out(goal: Goal) -> GoalOut:
    return GoalOut(
        id=goal.pk,
        name=goal.name,
        community_id=goal.community_id,
        building_id=goal.building_id,
        building=goal.building.name if goal.building else None,
        measure=goal.measure,
        measure_label=str(goal.get_measure_display()),
        threshold_pct=goal.threshold_pct,
        month=goal.month,
        unlock=goal.unlock,
        points=goal.points,
        perk_id=goal.perk_id,
        perk=goal.perk.name if goal.perk else None,
        settled_at=goal.settled_at,
        met=goal.met,
    )


def progress_out(p: GoalProgress) -> GoalProgressOut:
    return GoalProgressOut(
        goal=goal_out(p.goal),
        households_counted=p.counted,
        households_on_time=p.on_time,
        share_pct=round(p.share_pct, 1),
        reached=p.met,
        settled=p.settled,
    )


@router.get(
    "/rewards/goals/mine",
    response=list[GoalProgressOut],
    summary="My community's goals and how far they are",
)
def my_goals(request):
    household = selectors.household_for(request.auth)
    return [progress_out(p) for p in selectors.goals_for(household)]


@router.get("/rewards/goals", response=list[GoalOut], summary="Community goals (operators)")
@paginate
def list_goals(request):
    operator(request.auth)
    return [goal_out(g) for g in selectors.goals_list()[:200]]


@router.post("/rewards/goals", response={201: GoalOut}, summary="Set a community goal (operators)")
@idempotent
def create_goal(request, payload: GoalIn):
    goal = services.create_goal(actor=request.auth, **payload.model_dump())
    return 201, goal_out(goal)
