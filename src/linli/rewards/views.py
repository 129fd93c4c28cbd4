"""Rewards' pages: a member's points and perks, energy and tree; the community forest; the
green-energy model; the operators' rules, perks, species and plantings. Thin: the selectors
and services decide."""

from datetime import date

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from linli.core.errors import LinliError
from linli.core.files import PDF, attachment
from linli.pages.helpers import Roles, field_errors, page

from . import drawing, rules, selectors, services
from .api import SOURCES
from .certificate import certificate_pdf
from .errors import BadInput
from .models import EarningRule, Perk, RewardUnit, Trigger
from .services.access import operator

#: Lines of a history (points earned, what each pickup avoided) a page shows; "Earlier"
#: shows the next ones.
PAGE_LINES = 20


def _redirect(name: str, **query: str) -> HttpResponseRedirect:
    url = reverse(name)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return HttpResponseRedirect(url)


@page
def points(request, who: Roles):
    """My household's points, tier, what expires soon, the perks; POST redeems one."""
    household = selectors.household_for(request.user)
    general: list[str] = []
    if request.method == "POST":
        perk_id = request.POST.get("perk", "")
        try:
            redemption = services.redeem(
                actor=request.user, perk_id=int(perk_id) if perk_id.isdigit() else 0
            )
        except LinliError as error:
            _errors, general = field_errors(error)
        else:
            return _redirect("rewards:points", redeemed=redemption.code)
    skip = rules.history_skip(request.GET.get("from", ""))
    standing = selectors.standing(
        household, community_id=who.community_id, lines=PAGE_LINES, skip=skip
    )
    return render(
        request,
        "rewards/points.html",
        {
            "s": standing,
            "skip": skip,
            "lines": PAGE_LINES,
            "goals": selectors.goals_for(household),
            "general": general,
            "redeemed": request.GET.get("redeemed", "")[:12],
        },
        status=409 if general else 200,
    )


@page
def energy(request, who: Roles):
    """Energy ready to collect, what each pickup avoided, my tree (and my building's); POST
    collects, starts a tree or waters it."""
    household = selectors.household_for(request.user)
    general: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        together = request.POST.get("together") == "1"
        try:
            if action == "collect":
                grams = services.collect(actor=request.user)
                return _redirect("rewards:energy", collected=str(grams))
            if action == "start":
                species = request.POST.get("species", "")
                services.start_tree(
                    actor=request.user,
                    species_id=int(species) if species.isdigit() else 0,
                    together=together,
                )
            elif action == "water":
                services.water(actor=request.user, together=together)
            else:
                raise BadInput(details=[{"field": "action", "message": _("Choose an action.")}])
        except LinliError as error:
            _errors, general = field_errors(error)
        else:
            return _redirect("rewards:energy", done=action)
    skip = rules.history_skip(request.GET.get("from", ""))
    e = selectors.energy(household, lines=PAGE_LINES, skip=skip)
    trees = []
    for tree, stage, together in ((e.tree, e.stage, False), (e.shared_tree, e.shared_stage, True)):
        if tree is not None:
            trees.append(
                {
                    "tree": tree,
                    "together": together,
                    "stage": stage,
                    "svg": mark_safe(drawing.tree_svg(stage, label=tree.species.name)),
                    "percent": min(100, tree.energy_g * 100 // tree.species.energy_g),
                }
            )
    return render(
        request,
        "rewards/energy.html",
        {
            "e": e,
            "skip": skip,
            "lines": PAGE_LINES,
            "trees": trees,
            "species": selectors.species_list(),
            "general": general,
            "collected": request.GET.get("collected", "")[:9],
            "grown_svg": mark_safe(drawing.tree_svg(rules.STAGES - 1)),
        },
        status=409 if general else 200,
    )


@page
def certificate(request, who: Roles, code: str) -> HttpResponse:
    tree = selectors.certificate_tree(request.user, code[:20])
    return attachment(certificate_pdf(tree), PDF, f"tree-{tree.code}.pdf")


@page
def forest(request, who: Roles):
    """Trees grown and planted and CO₂ avoided, per community and building, month by month."""
    community = request.GET.get("community", "")
    f = selectors.forest(request.user, community_id=int(community) if community.isdigit() else None)
    plot = drawing.bars_svg(f.months, title=_("CO₂ avoided per month"))
    return render(
        request,
        "rewards/forest.html",
        {"f": f, "plot": mark_safe(plot)},
    )


@page
def model(request, who: Roles):
    """How the energy of a pickup is worked out, with its sources and numbers."""
    return render(
        request, "rewards/model.html", {"cfg": settings.LINLI_REWARDS, "sources": SOURCES}
    )


def _int(text: str, field: str, problems: list[dict], *, optional: bool = False) -> int | None:
    text = (text or "").strip()
    if not text and optional:
        return None
    if not text.isdigit() or len(text) > 9:
        problems.append({"field": field, "message": _("A whole number, 1 or more.")})
        return None
    return int(text)


@page
def manage(request, who: Roles):
    """Operators: earning rules, perks, species and planting batches; each form posts here."""
    operator(request.user)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    form = request.POST.get("form", "")
    if request.method == "POST":
        data = request.POST
        problems: list[dict] = []
        try:
            if form == "rule":
                amount = _int(data.get("amount", ""), "amount", problems)
                if problems:
                    raise BadInput(details=problems)
                services.create_rule(
                    actor=request.user,
                    name=data.get("name", ""),
                    trigger=data.get("trigger", ""),
                    unit=data.get("unit", RewardUnit.POINTS),
                    effect=data.get("effect", EarningRule.Effect.FIXED),
                    amount=amount or 0,
                )
            elif form == "toggle":
                rule_id = _int(data.get("rule", ""), "rule", problems)
                if problems:
                    raise BadInput(details=problems)
                services.set_rule_active(
                    actor=request.user, rule_id=rule_id or 0, active=data.get("active") == "1"
                )
            elif form == "perk":
                cost = _int(data.get("cost", ""), "cost", problems)
                stock = _int(data.get("stock", ""), "stock", problems, optional=True)
                hours = _int(data.get("hours_early", "") or "0", "hours_early", problems)
                coupon = _int(data.get("coupon_fen", "") or "0", "coupon_fen", problems)
                if problems:
                    raise BadInput(details=problems)
                services.create_perk(
                    actor=request.user,
                    name=data.get("name", ""),
                    kind=data.get("kind", ""),
                    cost=cost or 0,
                    stock=stock,
                    hours_early=hours or 0,
                    coupon_fen=coupon or 0,
                )
            elif form == "species":
                grams = _int(data.get("energy_g", ""), "energy_g", problems)
                if problems:
                    raise BadInput(details=problems)
                services.create_species(
                    actor=request.user,
                    name=data.get("name", ""),
                    name_en=data.get("name_en", ""),
                    energy_g=grams or 0,
                )
            elif form == "batch":
                count = _int(data.get("count", ""), "count", problems)
                species = _int(data.get("species", ""), "species", problems)
                try:
                    lat, lng = float(data.get("lat", "")), float(data.get("lng", ""))
                    planted_on = date.fromisoformat(data.get("planted_on", ""))
                except ValueError:
                    problems.append(
                        {"field": "lat", "message": _("Coordinates and a date (2026-04-12).")}
                    )
                if problems:
                    raise BadInput(details=problems)
                services.plant(
                    actor=request.user,
                    partner=data.get("partner", ""),
                    place=data.get("place", ""),
                    lat=lat,
                    lng=lng,
                    planted_on=planted_on,
                    species_id=species or 0,
                    count=count or 0,
                )
            else:
                raise BadInput(details=[{"field": "form", "message": _("Choose a form.")}])
        except LinliError as error:
            errors, general = field_errors(error)
        else:
            return _redirect("rewards:manage", saved=form)
    return render(
        request,
        "rewards/manage.html",
        {
            "rules": selectors.rules_list()[:100],
            "perks": selectors.perks_for(None),
            "species": selectors.species_list(),
            "batches": selectors.batches(),
            # A goal's points come with the goal (its own rule), not from this form.
            "triggers": [c for c in Trigger.choices if c[0] != Trigger.GOAL],
            "units": RewardUnit.choices,
            "effects": EarningRule.Effect.choices,
            "perk_kinds": Perk.Kind.choices,
            "form": form,
            "typed": request.POST,
            "errors": errors,
            "general": general,
            "saved": request.GET.get("saved", "")[:10],
        },
        status=422 if general else 200,
    )
