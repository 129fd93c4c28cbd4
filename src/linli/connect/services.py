"""Every change in consumer connect: programmes, pins, stays (with their meal fees on the
ledger), reports, highlights, insights and actions. Each checks who is asking, validates
first and changes nothing on bad input, and writes in one transaction with an audit row."""

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.communities.models import Consent
from linli.communities.selectors import has_consent
from linli.core import audit
from linli.core.errors import Message
from linli.ledger.models import Entry
from linli.ledger.services import OPERATOR, Acct, Kind, post

from . import errors, rules, search
from .access import is_host, is_runner, runner
from .limits import MAX_NAME, MAX_NOTE, MAX_PHOTOS, MAX_TAG_DEPTH, MAX_TEXT
from .models import (
    Action,
    Highlight,
    Host,
    Insight,
    Note,
    Pairing,
    Participant,
    Photo,
    Programme,
    Report,
    Stay,
    Tag,
)


class Problems:
    def __init__(self) -> None:
        self.details: list[dict] = []

    def add(self, field: str, message: Any) -> None:
        self.details.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.details:
            raise errors.BadInput(details=self.details)


def _text(problems: Problems, name: str, value: Any, *, most: int, required=True) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.add(name, _("This is required."))
    elif len(text) > most:
        problems.add(name, Message(_("Write at most %(most)s characters."), most=most))
    return text


def _is_id(value: Any) -> bool:
    """A row's number as given: a whole number that is not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def _whole(problems: Problems, name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.add(
            name, Message(_("Give a whole number from %(low)s to %(high)s."), low=low, high=high)
        )
        return low
    return value


# Programmes


def _programme_fields(values: dict) -> dict:
    """A programme's fields from what was given, every one checked; :class:`BadInput` names
    each wrong one."""
    problems = Problems()
    name = _text(problems, "name", values.get("name"), most=MAX_NAME)
    starts_on = values.get("starts_on")
    if isinstance(starts_on, str):
        try:
            starts_on = date.fromisoformat(starts_on)
        except ValueError:
            starts_on = None
    if not isinstance(starts_on, date) or starts_on.weekday() != 0:
        problems.add("starts_on", _("Give the Monday the first week starts, like 2027-03-01."))
        starts_on = date(2000, 1, 3)
    kinds = values.get("host_kinds") or ["household", "farm", "shop"]
    if not isinstance(kinds, list) or not kinds or set(kinds) - set(Host.Kind.values):
        problems.add("host_kinds", _("Choose among household, farm and shop."))
        kinds = ["household"]
    fields = {
        "mandated_days": _whole(problems, "mandated_days", values.get("mandated_days", 7), 1, 366),
        "new_staff_days": _whole(
            problems, "new_staff_days", values.get("new_staff_days", 30), 1, 366
        ),
        "weeks": _whole(problems, "weeks", values.get("weeks", 8), 1, 52),
        "stay_days": _whole(problems, "stay_days", values.get("stay_days", 7), 1, 31),
        "no_repeat_years": _whole(problems, "no_repeat_years", values.get("no_repeat_years", 3), 0, 20),
        "max_distance_km": _whole(
            problems, "max_distance_km", values.get("max_distance_km", 50), 1, 2000
        ),
        "host_stays_per_year": _whole(
            problems, "host_stays_per_year", values.get("host_stays_per_year", 4), 1, 52
        ),
        "meal_fee_fen": _whole(problems, "meal_fee_fen", values.get("meal_fee_fen", 2500), 0, 100_000),
    }  # fmt: skip
    problems.raise_if_any()
    return {
        "name": name,
        "year": starts_on.year,
        "starts_on": starts_on,
        "host_kinds": "," + ",".join(sorted(set(kinds))) + ",",
        **fields,
    }


def create_programme(*, actor, values: dict) -> Programme:
    runner(actor)
    fields = _programme_fields(values)
    with transaction.atomic():
        programme = Programme.objects.create(**fields)
        audit.record(actor=actor, action="connect.programme_created", target=programme)
    return programme


def update_programme(*, actor, programme_id: int, values: dict) -> Programme:
    """Change a programme's name, window and rules (every field given again, checked as when
    it was started). Stays already written keep their weeks and days; the next matching run
    follows the new rules."""
    runner(actor)
    fields = _programme_fields(values)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(pk=programme_id).first()
        if programme is None:
            raise errors.ProgrammeNotFound()
        before = {name: str(getattr(programme, name)) for name in fields}
        for name, value in fields.items():
            setattr(programme, name, value)
        programme.save(update_fields=list(fields))
        audit.record(
            actor=actor,
            action="connect.programme_changed",
            target=programme,
            data={
                name: [before[name], str(value)]
                for name, value in fields.items()
                if before[name] != str(value)
            },
        )
    return programme


def programme_for(actor, programme_id: int) -> Programme:
    runner(actor)
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise errors.ProgrammeNotFound()
    return programme


def set_pairing(*, actor, participant_id: int, host_id: int, rule: str) -> Pairing:
    """Pin a participant to a host or forbid the pair (replacing an earlier rule for it)."""
    runner(actor)
    if rule not in Pairing.Rule.values:
        raise errors.BadInput(details=[{"field": "rule", "message": _("Give pin or forbid.")}])
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        raise errors.ParticipantNotFound()
    host = Host.objects.filter(pk=host_id, programme_id=participant.programme_id).first()
    if host is None:
        raise errors.HostNotFound()
    with transaction.atomic():
        if rule == Pairing.Rule.PIN:
            Pairing.objects.filter(participant=participant, rule=Pairing.Rule.PIN).delete()
        pairing, _created = Pairing.objects.update_or_create(
            participant=participant, host=host, defaults={"rule": rule, "actor": actor}
        )
        audit.record(
            actor=actor,
            action=f"connect.pairing_{rule}",
            target=pairing,
            data={"participant": participant.pk, "host": host.pk},
        )
    return pairing


def pair_by_staff_no(*, actor, programme_id: int, staff_no: str, host_id: Any, rule: str):
    """Pin or forbid a pairing as an operator types it on the programme's page: the
    participant by staff number, the host by its number."""
    programme = programme_for(actor, programme_id)
    problems = Problems()
    staff_no = _text(problems, "staff_no", staff_no, most=32)
    participant = (
        Participant.objects.filter(programme=programme, staff_no=staff_no).first()
        if staff_no
        else None
    )
    if staff_no and participant is None:
        problems.add("staff_no", _("No participant of this programme has this staff number."))
    host = None
    if isinstance(host_id, int):
        host = Host.objects.filter(pk=host_id, programme=programme).first()
    if host is None:
        problems.add("host", _("Give the number of a host of this programme."))
    if rule not in Pairing.Rule.values:
        problems.add("rule", _("Give pin or forbid."))
    problems.raise_if_any()
    assert participant is not None and host is not None
    return set_pairing(actor=actor, participant_id=participant.pk, host_id=host.pk, rule=rule)


# Stays


def _stay(stay_id: int, *, lock=True) -> Stay:
    query = Stay.objects.select_related("host", "participant", "programme")
    if lock:
        query = query.select_for_update(of=("self",))
    stay = query.filter(pk=stay_id).first()
    if stay is None:
        raise errors.StayNotFound()
    return stay


def _step(stay: Stay, to: str) -> None:
    if not rules.may_step(stay.status, to):
        raise errors.WrongStep(
            status=Stay.Status(stay.status).label, step=rules.STEPS_VERB.get(Stay.Status(to), to)
        )


def _participant_of(actor, stay: Stay) -> bool:
    return bool(
        actor is not None
        and actor.is_authenticated
        and stay.participant.user_id is not None
        and stay.participant.user_id == actor.pk
    )


def confirm_stay(*, actor, stay_id: int) -> Stay:
    """The host says yes to the visitor (or an operator for a host without a phone)."""
    with transaction.atomic():
        stay = _stay(stay_id)
        if not (is_host(actor, stay.host) or is_runner(actor)):
            raise errors.StayNotFound()
        _step(stay, Stay.Status.CONFIRMED)
        stay.status = Stay.Status.CONFIRMED
        stay.confirmed_at = timezone.now()
        stay.save(update_fields=["status", "confirmed_at"])
        audit.record(actor=actor, action="connect.stay_confirmed", target=stay)
    return stay


def check_in(*, actor, stay_id: int, token: str = "", at: datetime | None = None) -> Stay:
    """The visitor arrives: the participant scans the QR at the host's door (its token), or
    the host or an operator checks them in."""
    with transaction.atomic():
        stay = _stay(stay_id)
        by_qr = _participant_of(actor, stay)
        if not (by_qr or is_host(actor, stay.host) or is_runner(actor)):
            raise errors.StayNotFound()
        if by_qr and not is_runner(actor) and token != stay.host.qr_token:
            raise errors.BadQr()
        _step(stay, Stay.Status.CHECKED_IN)
        stay.status = Stay.Status.CHECKED_IN
        stay.checked_in_at = at or timezone.now()
        stay.save(update_fields=["status", "checked_in_at"])
        audit.record(actor=actor, action="connect.checked_in", target=stay, data={"qr": by_qr})
    return stay


def check_out(*, actor, stay_id: int, at: datetime | None = None) -> Stay:
    """The visitor leaves: the days are counted (check-in to check-out, at most the days
    planned) and the meal fees are posted on the ledger to the host, once per stay."""
    with transaction.atomic():
        stay = _stay(stay_id)
        if not (_participant_of(actor, stay) or is_host(actor, stay.host) or is_runner(actor)):
            raise errors.StayNotFound()
        _step(stay, Stay.Status.CHECKED_OUT)
        out = at or timezone.now()
        assert stay.checked_in_at is not None
        if out < stay.checked_in_at:
            raise errors.BadInput(
                details=[{"field": "at", "message": _("Check-out cannot be before check-in.")}]
            )
        stay.status = Stay.Status.CHECKED_OUT
        stay.checked_out_at = out
        stay.days_done = rules.days_counted(stay.checked_in_at, out, stay.days_planned)
        stay.save(update_fields=["status", "checked_out_at", "days_done"])
        fee = rules.meal_fee(stay.days_done, stay.programme.meal_fee_fen)
        if fee > 0:
            post(
                Entry.Kind.MEAL_FEE,
                [(host_account(stay.host), -fee), (OPERATOR, fee)],
                key=f"connect_meals:{stay.pk}",
                actor=actor if actor.is_authenticated else None,
                memo=f"connect stay #{stay.pk}: {stay.days_done} × {stay.programme.meal_fee_fen}",
                at=out,
            )
        audit.record(
            actor=actor,
            action="connect.checked_out",
            target=stay,
            data={"days": stay.days_done, "meal_fee_fen": fee},
        )
    return stay


def host_account(host: Host) -> Acct:
    """Where a host's meal fees go: the household's wallet, the farm's payable, the leader's
    account (negative balances: what Linli owes them)."""
    if host.kind == Host.Kind.HOUSEHOLD:
        return Acct(Kind.HOUSEHOLD, host.household_id or 0)
    if host.kind == Host.Kind.FARM:
        return Acct(Kind.SUPPLIER, host.supplier_id or 0)
    return Acct(Kind.LEADER, host.leader_id or 0)


def cancel_stay(*, actor, stay_id: int, reason: str) -> Stay:
    """A stay not begun is cancelled (by an operator, the participant or the host); the next
    matching run places the participant again, the new stay marked as its replacement."""
    problems = Problems()
    reason = _text(problems, "reason", reason, most=MAX_NAME)
    problems.raise_if_any()
    with transaction.atomic():
        stay = _stay(stay_id)
        if not (_participant_of(actor, stay) or is_host(actor, stay.host) or is_runner(actor)):
            raise errors.StayNotFound()
        _step(stay, Stay.Status.CANCELLED)
        stay.status = Stay.Status.CANCELLED
        stay.cancelled_reason = reason
        stay.save(update_fields=["status", "cancelled_reason"])
        audit.record(
            actor=actor, action="connect.stay_cancelled", target=stay, data={"reason": reason}
        )
    return stay


def host_withdrew(household_id: int) -> int:
    """A household withdrew its consent to host: it hosts no more, and its stays not begun
    are cancelled. Returns how many stays were cancelled."""
    with transaction.atomic():
        Host.objects.filter(household_id=household_id).update(active=False)
        cancelled = Stay.objects.filter(
            host__household_id=household_id,
            status__in=[Stay.Status.SCHEDULED, Stay.Status.CONFIRMED],
        ).update(status=Stay.Status.CANCELLED, cancelled_reason="host withdrew consent")
        audit.record(
            actor=None,
            action="connect.host_withdrew",
            target_type="communities.household",
            target_id=household_id,
            data={"cancelled": cancelled},
        )
    return cancelled


# Reports


def _own_stay(actor, stay_id: int) -> Stay:
    stay = _stay(stay_id, lock=False)
    if not (_participant_of(actor, stay) or is_runner(actor)):
        raise errors.StayNotFound()
    return stay


def _quote_ok(host: Host) -> bool:
    consent = bool(host.household_id) and has_consent(
        host.household_id or 0, Consent.Purpose.QUOTED
    )
    return rules.quote_allowed(host_kind=host.kind, quoted_consent=consent)


def write_report(*, actor, stay_id: int, title: str, notes: list[dict]) -> Report:
    """Write (or rewrite) the report of a checked-in or checked-out stay: notes in the three
    parts, each the visitor's view or the host's words; a verbatim quote only with the host's
    consent to be quoted."""
    stay = _own_stay(actor, stay_id)
    problems = Problems()
    title = _text(problems, "title", title, most=MAX_NAME)
    if stay.status not in (Stay.Status.CHECKED_IN, Stay.Status.CHECKED_OUT):
        raise errors.WrongStep(status=Stay.Status(stay.status).label, step=_("written up"))
    if not isinstance(notes, list) or not notes or len(notes) > 200:
        problems.add("notes", _("Write from 1 to 200 notes."))
        notes = []
    clean: list[Note] = []
    quotes_ok = None
    for number, note in enumerate(notes):
        where = f"notes.{number}"
        if not isinstance(note, dict):
            problems.add(where, _("Each note is an object with part, voice and text."))
            continue
        part, voice = note.get("part"), note.get("voice")
        if part not in Note.Part.values:
            problems.add(f"{where}.part", _("Give observe, listen or dialogue."))
        if voice not in Note.Voice.values:
            problems.add(f"{where}.voice", _("Give etic (your view) or emic (the host's words)."))
        text = _text(problems, f"{where}.text", note.get("text"), most=MAX_NOTE)
        quote = bool(note.get("quote", False))
        if rules.needs_quote_consent(str(voice), quote):
            if quotes_ok is None:
                quotes_ok = _quote_ok(stay.host)
            if not quotes_ok:
                problems.add(f"{where}.quote", errors.NoQuoteConsent.template)
        clean.append(
            Note(part=str(part), voice=str(voice), text=text, quote=quote, position=number)
        )
    problems.raise_if_any()
    with transaction.atomic():
        report, _created = Report.objects.update_or_create(
            stay=stay,
            defaults={"title": title, "author": actor, "submitted_at": timezone.now()},
        )
        old = list(report.notes.values_list("pk", flat=True))
        search.forget(search.NOTE, old)
        report.notes.all().delete()
        for item in clean:
            item.report = report
        Note.objects.bulk_create(clean)
        search.index_notes(report.notes.all(), stay.programme_id)
        audit.record(actor=actor, action="connect.report_written", target=report)
    return report


def quotes_withdrawn(household_id: int) -> int:
    """The household no longer agrees to be quoted: its verbatim quotes become the visitor's
    paraphrase placeholder (the text is removed), in every report about it."""
    with transaction.atomic():
        notes = Note.objects.filter(
            report__stay__host__household_id=household_id, quote=True
        ).select_for_update()
        ids = list(notes.values_list("pk", flat=True))
        Note.objects.filter(pk__in=ids).update(text="（引语已按住户要求删除）", quote=False)
        search.forget(search.NOTE, ids)
        for note in Note.objects.filter(pk__in=ids).select_related("report__stay"):
            search.index_notes([note], note.report.stay.programme_id)
    return len(ids)


# Highlights, tags, insights, actions


def create_tag(*, actor, name: str, parent_id: int | None = None) -> Tag:
    runner(actor)
    problems = Problems()
    name = _text(problems, "name", name, most=40)
    parent = None
    if parent_id is not None:
        parent = Tag.objects.filter(pk=parent_id).first() if _is_id(parent_id) else None
        if parent is None:
            problems.add("parent", _("There is no such tag."))
        else:
            depth, above = 1, parent
            while above.parent_id is not None and depth <= MAX_TAG_DEPTH:
                above = Tag.objects.get(pk=above.parent_id)
                depth += 1
            if depth >= MAX_TAG_DEPTH:
                problems.add(
                    "parent", Message(_("Tags nest at most %(most)s deep."), most=MAX_TAG_DEPTH)
                )
    problems.raise_if_any()
    try:
        with transaction.atomic():
            tag = Tag.objects.create(name=name, parent=parent)
            audit.record(actor=actor, action="connect.tag_created", target=tag)
    except IntegrityError:
        raise errors.BadInput(
            details=[{"field": "name", "message": _("There is such a tag here already.")}]
        ) from None
    return tag


def highlight(*, actor, note_id: int, start: int, end: int, tag_ids: list[int]) -> Highlight:
    runner(actor)
    note = Note.objects.select_related("report__stay").filter(pk=note_id).first()
    if note is None:
        raise errors.ReportNotFound()
    problems = Problems()
    if not (isinstance(start, int) and isinstance(end, int)) or not rules.span_ok(
        note.text, start, end
    ):
        problems.add("start", Message(_("Give a span within 0..%(most)s."), most=len(note.text)))
    elif end - start > MAX_TEXT:
        problems.add("end", Message(_("Highlight at most %(most)s characters."), most=MAX_TEXT))
    tags = list(Tag.objects.filter(pk__in=[t for t in tag_ids or [] if _is_id(t)]))
    if len(tags) != len(set(tag_ids or [])):
        problems.add("tags", _("There is no such tag."))
    problems.raise_if_any()
    with transaction.atomic():
        found = Highlight.objects.create(
            note=note, start=start, end=end, text=note.text[start:end], actor=actor
        )
        found.tags.set(tags)
        search.index(search.HIGHLIGHT, found.pk, note.report.stay.programme_id, found.text)
        audit.record(actor=actor, action="connect.highlighted", target=found)
    return found


def create_insight(
    *, actor, programme_id: int, title: str, body: str, highlight_ids: list[int]
) -> Insight:
    programme = programme_for(actor, programme_id)
    problems = Problems()
    title = _text(problems, "title", title, most=MAX_NAME)
    body = _text(problems, "body", body, most=MAX_NOTE, required=False)
    evidence = list(
        Highlight.objects.filter(
            pk__in=[h for h in highlight_ids or [] if _is_id(h)],
            note__report__stay__programme=programme,
        )
    )
    if not evidence or len(evidence) != len(set(highlight_ids or [])):
        problems.add("evidence", _("Cite one or more highlights of this programme."))
    problems.raise_if_any()
    with transaction.atomic():
        insight = Insight.objects.create(programme=programme, title=title, body=body, actor=actor)
        insight.evidence.set(evidence)
        search.index(search.INSIGHT, insight.pk, programme.pk, f"{title}\n{body}")
        audit.record(actor=actor, action="connect.insight_created", target=insight)
    return insight


def create_action(*, actor, insight_id: int, kind: str, title: str, owner_id: int) -> Action:
    runner(actor)
    insight = Insight.objects.filter(pk=insight_id).first()
    if insight is None:
        raise errors.InsightNotFound()
    problems = Problems()
    title = _text(problems, "title", title, most=MAX_NAME)
    if kind not in Action.Kind.values:
        problems.add("kind", _("Give source_product, pickup_time, change_rule or other."))
    from django.contrib.auth import get_user_model

    owner = (
        get_user_model().objects.filter(pk=owner_id, is_staff=True, is_active=True).first()
        if _is_id(owner_id)
        else None
    )
    if owner is None:
        problems.add("owner", _("The owner must be an active staff member."))
    problems.raise_if_any()
    assert owner is not None
    with transaction.atomic():
        action = Action.objects.create(insight=insight, kind=kind, title=title, owner=owner)
        audit.record(actor=actor, action="connect.action_created", target=action)
    return action


def update_action(
    *, actor, action_id: int, status: str, link: str = "", outcome: str = ""
) -> Action:
    """Move an action on; once done with an outcome, the hosts who gave the insight are told
    (an event the notices can pick up), once."""
    runner(actor)
    problems = Problems()
    if status not in Action.Status.values:
        problems.add("status", _("Give open, doing, done or dropped."))
    link = _text(problems, "link", link, most=200, required=False)
    outcome = _text(problems, "outcome", outcome, most=MAX_TEXT, required=status == "done")
    problems.raise_if_any()
    from linli.core import events

    with transaction.atomic():
        action = Action.objects.select_for_update().filter(pk=action_id).first()
        if action is None:
            raise errors.InsightNotFound()
        action.status, action.link, action.outcome = status, link, outcome
        fields = ["status", "link", "outcome"]
        if status == Action.Status.DONE and action.reported_back_at is None:
            action.reported_back_at = timezone.now()
            fields.append("reported_back_at")
            hosts = sorted(
                set(
                    Highlight.objects.filter(insights__actions=action).values_list(
                        "note__report__stay__host_id", flat=True
                    )
                )
            )
            events.publish(
                "connect.outcome_reported",
                {"action": action.pk, "hosts": hosts, "outcome": outcome, "link": link},
            )
        action.save(update_fields=fields)
        audit.record(
            actor=actor, action="connect.action_updated", target=action, data={"status": status}
        )
    return action


def add_photo(*, actor, report_id: int, name: str, content_type: str, data: bytes, caption=""):
    """A photo for a report, checked and re-encoded as after-sales photos are (type, size,
    pixels; no metadata survives: :mod:`linli.aftersales.photos`)."""
    import secrets

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from linli.aftersales import errors as photo_errors
    from linli.aftersales import photos

    report = Report.objects.select_related("stay__participant").filter(pk=report_id).first()
    if report is None or not (_participant_of(actor, report.stay) or is_runner(actor)):
        raise errors.ReportNotFound()
    if report.photos.count() >= MAX_PHOTOS:
        raise photo_errors.TooManyPhotos(most=MAX_PHOTOS)
    problems = Problems()
    caption = _text(problems, "caption", caption, most=MAX_NAME, required=False)
    problems.raise_if_any()
    clean = photos.clean(photos.Upload(name=name, content_type=content_type, data=data))
    stored = default_storage.save(
        f"connect/{report.pk}/{secrets.token_hex(12)}.{clean.extension}", ContentFile(clean.data)
    )
    try:
        with transaction.atomic():
            photo = Photo.objects.create(
                report=report,
                image=stored,
                content_type=clean.content_type,
                size=len(clean.data),
                caption=caption,
            )
            audit.record(actor=actor, action="connect.photo_added", target=photo)
    except Exception:
        default_storage.delete(stored)
        raise
    return photo
