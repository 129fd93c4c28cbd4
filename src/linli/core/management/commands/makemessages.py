"""Django's ``makemessages``, reading the pages' Jinja2 templates too.

Django's own extraction reads templates in Django's syntax; the pages are Jinja2 (decision
0016), so their ``_("…")`` and ``{% trans %}…{% endtrans %}`` are read by Jinja's extractor
and appended to the same ``django.pot`` before Django merges it into each ``django.po``.
``scripts/update-translations`` runs it.
"""

import os

from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

KEYWORDS = ("_", "gettext", "ngettext")
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def is_jinja(translatable) -> bool:
    return f"{os.sep}jinja2{os.sep}" in f"{os.sep}{translatable.dirpath}{os.sep}"


def quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def pot_entries(path: str) -> list[str]:
    """The messages of one Jinja2 template as .pot entries."""
    entries = []
    with open(path, "rb") as template:
        found = babel_extract(template, KEYWORDS, [], {"silent": "false"})
        for lineno, _function, message, _comments in found:
            singular, plural = (
                (message[0], message[1]) if isinstance(message, tuple) else (message, None)
            )
            if not singular:
                continue
            texts = singular + (plural or "")
            lines = [f"#: {os.path.normpath(path)}:{lineno}"]
            if "%(" in texts:
                lines.append("#, python-format")
            lines.append(f"msgid {quoted(singular)}")
            if plural:
                lines += [f"msgid_plural {quoted(plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
            else:
                lines.append('msgstr ""')
            entries.append("\n".join(lines))
    return entries


class Command(makemessages.Command):
    def process_locale_dir(self, locale_dir, files):
        jinja = [translatable for translatable in files if is_jinja(translatable)]
        super().process_locale_dir(locale_dir, [f for f in files if not is_jinja(f)])
        if self.domain != "django" or not jinja:
            return
        entries = []
        for translatable in jinja:
            entries += pot_entries(os.path.join(translatable.dirpath, translatable.file))
        potfile = os.path.join(locale_dir, f"{self.domain}.pot")
        makemessages.write_pot_file(potfile, HEADER + "\n\n".join(entries) + "\n")
