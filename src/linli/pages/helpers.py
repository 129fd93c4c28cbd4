"""What every page does the same way: who is asking, and errors shown in the user's language."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.accounts.roles import Roles, roles
from linli.core.errors import LinliError
from linli.core.errors import render as render_details


def page(view: Callable) -> Callable:
    """Signed in, or sent to the sign-in page; a refusal from a selector or a service becomes a
    page with the translated message and its status (404 for what is not yours to see)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, roles(request.user), *args, **kwargs)
        except LinliError as error:
            return error_page(request, error)

    return wrapper


def error_page(request: HttpRequest, error: LinliError) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"error": error, "details": render_details(error.details)},
        status=error.status,
    )


def field_errors(error: LinliError) -> tuple[dict[str, list[str]], list[str]]:
    """A service's refusal split into messages per field (``details[].field`` or
    ``item_id``/``product_id``) and messages for the whole form."""
    fields: dict[str, list[str]] = {}
    general: list[str] = [str(error.message)]
    for detail in render_details(error.details):
        key = detail.get("field")
        if key is None and "item_id" in detail:
            key = f"item-{detail['item_id']}"
        if key is None and "product_id" in detail:
            key = f"product-{detail['product_id']}"
        if key is None:
            general.append(detail.get("message", ""))
        else:
            fields.setdefault(str(key), []).append(detail.get("message", ""))
    return fields, general


def whole_number(text: str) -> int | None:
    """A quantity as typed: blank is ``None``; anything not a whole number raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 7:
        raise ValueError(text)
    return int(text)


def whole_numbers(
    post, fields: dict[int, str], key: str
) -> tuple[dict[int, int], dict[str, str], dict[str, list[str]]]:
    """The whole numbers typed in a form's ``fields`` (id → input name): those given, by id;
    what was typed and the errors, by ``<key>-<id>`` as the templates look them up."""
    numbers, typed, errors = {}, {}, {}
    for id_, name in fields.items():
        text = post.get(name, "")
        typed[f"{key}-{id_}"] = text
        try:
            number = whole_number(text)
        except ValueError:
            errors[f"{key}-{id_}"] = [_("Enter a whole number, or leave it empty.")]
            continue
        if number is not None:
            numbers[id_] = number
    return numbers, typed, errors


def fen_from_yuan(text: str) -> int | None:
    """Money as typed (12, 12.5, ¥12.50, ￥1,200): in fen; blank is ``None``; ValueError
    for anything else."""
    text = text.strip().lstrip("¥￥").replace(",", "")
    if not text:
        return None
    whole, _dot, cents = text.partition(".")
    if not whole.isdigit() or not (cents == "" or (cents.isdigit() and len(cents) <= 2)):
        raise ValueError(text)
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)


__all__ = [
    "Roles",
    "error_page",
    "fen_from_yuan",
    "field_errors",
    "page",
    "whole_number",
    "whole_numbers",
]
