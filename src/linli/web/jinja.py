"""The pages' template engine: Jinja2, compiled to Python, with what our templates need.

Pages are rendered by Jinja2 (decision 0016), Django's admin by Django's own engine. Here is
everything a page template can call beyond Jinja's built-ins: ``url`` and ``static``, the
translation functions (``_``, ``{% trans %}``, from Django's active language), dates in
Asia/Shanghai, and how money, remaining time, phone numbers and pickup QR codes are shown.
"""

from datetime import date, datetime, time
from functools import cache
from weakref import WeakKeyDictionary

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import trans_real
from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from linli.web import shown
from linli.web.csrf import CsrfInput


def url(name: str, *args, **kwargs) -> str:
    """``url("order", order.id)``: the address of a named view."""
    if not args and not kwargs:
        return _fixed_url(name, get_script_prefix())
    return reverse(name, args=args or None, kwargs=kwargs or None)


@cache
def _fixed_url(name: str, prefix: str) -> str:
    """The address of a view that takes no arguments (the header's: home, language, sign-out),
    remembered per script prefix (the argument is the cache's key, not used otherwise)."""
    return reverse(name)


@cache
def static(path: str) -> str:
    """The address of a static file, with its content hash once ``collectstatic`` has run."""
    return staticfiles_storage.url(path)


#: Django date formats the pages use, written directly (ten to twenty times faster than
#: Django's ``dateformat``; a history of twenty lines writes forty dates).
FORMATS = {
    "Y-m-d H:i": lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}",
    "H:i": lambda v: f"{v.hour:02d}:{v.minute:02d}",
    "m-d H:i": lambda v: f"{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}",
    "Y-m-d": lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d}",
    "m-d": lambda v: f"{v.month:02d}-{v.day:02d}",
    "Y-m": lambda v: f"{v.year:04d}-{v.month:02d}",
}


def local_date(value: date | datetime | None, format_string: str = "Y-m-d H:i") -> str:
    """A date or moment as Django's ``date`` filter writes it, moments in Asia/Shanghai (the
    configured zone; nothing activates another)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(timezone.get_default_timezone())
    if format_string == "c":
        return value.isoformat()
    if format_string in FORMATS:
        if not isinstance(value, datetime):  # a day: its time of day is midnight
            value = datetime.combine(value, time())
        return FORMATS[format_string](value)
    return dateformat.format(value, format_string)


def linebreaksbr(value: str) -> Markup:
    """Text with its line breaks as ``<br>``, everything else escaped."""
    text = str(escape(value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(text.replace("\n", "<br>"))


def page_context(request: HttpRequest) -> dict:
    """What every page's template has besides its view's context (a context processor):
    who is asking, one CSRF field for all the page's forms (``linli.web.csrf``), and the
    active language's catalogue for ``_`` and ``{% trans %}``: our own text, trusted as Django
    trusts a template's literals (what is put into it is escaped)."""
    catalogue = trans_real.catalog()
    known = _TRUSTED.get(catalogue)
    if known is None:
        known = _TRUSTED.setdefault(catalogue, {})

    def gettext(message: str) -> Markup:
        if (text := known.get(message)) is None:
            text = Markup(catalogue.gettext(message))
            if len(known) < _TRUSTED_MAX:
                known[message] = text
        return text

    return {
        "user": request.user,
        "csrf_input": CsrfInput(request),
        "_": gettext,
        "gettext": gettext,
        "ngettext": lambda singular, plural, n: Markup(catalogue.ngettext(singular, plural, n)),
    }


#: The templates' translated literals per catalogue, looked up once (a page asks for dozens).
#: Every message id is a literal in a template, so this stays small; the bound is a guard.
_TRUSTED: WeakKeyDictionary[object, dict[str, Markup]] = WeakKeyDictionary()
_TRUSTED_MAX = 5000


def gettext(message: str) -> Markup:
    """``_`` where no request gave the page its catalogue: trusted like :func:`page_context`'s."""
    return Markup(translation.gettext(message))


def ngettext(singular: str, plural: str, n: int) -> Markup:
    return Markup(translation.ngettext(singular, plural, n))


def default_if_none(value, default=""):
    """``default`` where the value is ``None`` (Jinja's own ``default`` is for undefined)."""
    return default if value is None else value


@pass_context
def pickup_qr(context, order) -> str:
    return shown.pickup_qr(context.get("request"), order)


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals.update(
        url=url,
        static=static,
        current_language=translation.get_language,
        languages=settings.LANGUAGES,
        pickup_qr=pickup_qr,
        shown_phone=shown.shown_phone,
        errorlist=shown.errorlist,
    )
    env.filters.update(
        date=local_date,
        linebreaksbr=linebreaksbr,
        yuan=shown.yuan,
        time_left=shown.time_left,
        for_item=shown.for_item,
        for_product=shown.for_product,
        default_if_none=default_if_none,
    )
    return env
