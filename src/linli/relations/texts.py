"""What a gap on the coverage grid and a reminder say, in the reader's language (stored as
kinds and parameters, written when read)."""

from django.utils.translation import gettext as _

from .models import Post, Reminder
from .rules import Gap


def festival(key: str) -> str:
    return {
        "spring_festival": _("Spring Festival (春节)"),
        "mid_autumn": _("Mid-Autumn (中秋)"),
    }.get(key, key)


def gap(found: Gap, organisation: str) -> str:
    level = str(Post.Level(found.level).label) if found.level in Post.Level.values else found.level
    if found.code == "nobody":
        return _("Nobody at the %(level)s level of %(organisation)s is in the book.") % {
            "level": level,
            "organisation": organisation,
        }
    if found.code == "unknown":
        return _("None of us really knows anyone at the %(level)s level of %(organisation)s.") % {
            "level": level,
            "organisation": organisation,
        }
    if found.code == "leaving":
        return _("Only %(person)s is known at %(organisation)s, and their post ends soon.") % {
            "person": found.person,
            "organisation": organisation,
        }
    return _("Only one of us knows %(organisation)s, through %(person)s.") % {
        "person": found.person,
        "organisation": organisation,
    }


def reminder(kind: str, person: str, detail: dict) -> str:
    if kind == Reminder.Kind.FADING:
        return _("Your tie with %(person)s is fading (%(strength)s, below %(keep)s).") % {
            "person": person,
            "strength": detail.get("strength", 0),
            "keep": detail.get("keep_above", 0),
        }
    if kind == Reminder.Kind.CADENCE:
        return _("Time to get in touch with %(person)s (every %(every)s days).") % {
            "person": person,
            "every": detail.get("every", ""),
        }
    if kind == Reminder.Kind.BIRTHDAY:
        return _("%(person)s's birthday.") % {"person": person}
    return _("%(festival)s: a greeting or a gift for %(person)s.") % {
        "festival": festival(detail.get("festival", "")),
        "person": person,
    }
