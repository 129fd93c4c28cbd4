"""Pydantic's validation errors, said in the caller's language."""

from django.utils.translation import gettext_lazy as _

from .errors import Message

_MESSAGES = {
    "missing": _("This field is required."),
    "int_type": _("Must be a whole number."),
    "int_parsing": _("Must be a whole number."),
    "int_from_float": _("Must be a whole number."),
    "float_type": _("Must be a number."),
    "float_parsing": _("Must be a number."),
    "string_type": _("Must be text."),
    "string_too_long": _("At most %(max_length)s characters."),
    "string_too_short": _("At least %(min_length)s characters."),
    "string_pattern_mismatch": _("Not in the expected form."),
    "greater_than": _("Must be greater than %(gt)s."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "less_than": _("Must be less than %(lt)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "bool_type": _("Must be true or false."),
    "bool_parsing": _("Must be true or false."),
    "list_type": _("Must be a list."),
    "too_long": _("At most %(max_length)s entries."),
    "too_short": _("At least %(min_length)s entries."),
    "dict_type": _("Must be an object."),
    "model_type": _("Must be an object."),
    "model_attributes_type": _("Must be an object."),
    "datetime_type": _("Must be a date and time, such as 2026-11-24T20:00:00+08:00."),
    "datetime_parsing": _("Must be a date and time, such as 2026-11-24T20:00:00+08:00."),
    "datetime_from_date_parsing": _("Must be a date and time, such as 2026-11-24T20:00:00+08:00."),
    "timezone_aware": _("Must include a time zone, such as +08:00."),
    "literal_error": _("Must be one of: %(expected)s."),
    "enum": _("Must be one of: %(expected)s."),
    "extra_forbidden": _("Unknown field."),
    "json_invalid": _("Not valid JSON."),
    "value_error": _("Not valid."),
    "paging_range": _("Must be a whole number from %(minimum)s to %(maximum)s."),
}
_FALLBACK = _("Not valid.")
_PARAMS = {"max_length", "min_length", "gt", "ge", "lt", "le", "expected", "minimum", "maximum"}


def field_path(loc: list | tuple) -> str:
    """``["body", "payload", "lines", 0, "quantity"]`` → ``"lines.0.quantity"``."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        source = parts.pop(0)
        # ninja nests a body under its parameter name; query and path parameters are named.
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    return ".".join(str(part) for part in parts) or "body"


def translate(errors: list[dict]) -> list[dict]:
    details = []
    for error in errors:
        template = _MESSAGES.get(error.get("type", ""), _FALLBACK)
        context = {k: v for k, v in (error.get("ctx") or {}).items() if k in _PARAMS}
        if "expected" in context:  # pydantic's "'a' or 'b'" would put English in any language
            context["expected"] = str(context["expected"]).replace(" or ", ", ")
        needed = {name for name in _PARAMS if f"%({name})s" in str(template)}
        if not needed <= context.keys():
            template, context = _FALLBACK, {}
        details.append(
            {"field": field_path(error.get("loc", ())), "message": Message(template, **context)}
        )
    return details
