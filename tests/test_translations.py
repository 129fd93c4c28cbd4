"""The zh-Hans catalogue is complete, its placeholders match, and the committed .mo is the .po
compiled.

When a test here fails: run ``scripts/update-translations``, translate every empty or
``#, fuzzy`` entry in ``src/linli/locale/zh_Hans/LC_MESSAGES/django.po``, run the script again,
and commit the .po and the .mo together.

The .mo is compared with the .po by content, not by file times: a fresh ``git clone`` gives
both files the same modification time whatever their history.
"""

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

LOCALE = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ["zh_Hans"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0 +]*\d*[sdif]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key the entry has in a compiled catalogue."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def where(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ``#~`` entries are left out)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None

    def start(number: int) -> Entry:
        nonlocal entry
        if entry is None or entry.msgstr:
            entry = Entry(line=number)
            entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#,"):
            start(number).flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            start(number)
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert target is not None, f"{path}:{number}: a string outside an entry"
            keyword, rest = "", line
        if keyword == "msgctxt":
            start(number).msgctxt = _unquote(rest)
            target = ("msgctxt", None)
        elif keyword == "msgid":
            current = start(number)
            current.msgid, target = _unquote(rest), ("msgid", None)
        elif keyword == "msgid_plural":
            assert entry is not None
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", None)
        elif keyword.startswith("msgstr"):
            assert entry is not None
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index], target = _unquote(rest), ("msgstr", index)
        elif keyword == "":
            assert entry is not None and target is not None
            name, index = target
            if name == "msgstr":
                entry.msgstr[index or 0] += _unquote(rest)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + _unquote(rest))
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return entries


def catalogue(path: Path) -> tuple[Entry, list[Entry]]:
    entries = parse_po(path)
    headers = [entry for entry in entries if entry.msgid == "" and entry.msgctxt is None]
    assert len(headers) == 1, f"{path}: expected one header entry"
    return headers[0], [entry for entry in entries if entry is not headers[0]]


def compiled(entries: list[Entry]) -> dict:
    """What msgfmt would put in the .mo, keyed the way ``GNUTranslations`` keys it."""
    result: dict = {}
    for entry in entries:
        if "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is not None:
            for index, text in entry.msgstr.items():
                result[(entry.key, index)] = text
        elif entry.msgstr.get(0):
            result[entry.key] = entry.msgstr[0]
    return result


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


@pytest.fixture(params=LANGUAGES)
def po(request) -> Path:
    path = LOCALE / request.param / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run scripts/update-translations"
    return path


def test_the_header_says_utf8_and_is_not_fuzzy(po):
    header, _entries = catalogue(po)
    assert "fuzzy" not in header.flags
    assert "charset=UTF-8" in header.msgstr[0]
    assert f"Language: {po.parent.parent.name}" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy(po):
    _header, entries = catalogue(po)
    assert entries, f"{po} has no messages"
    untranslated = [e.where() for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [entry.where() for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"untranslated in {po}:\n" + "\n".join(untranslated)
    assert not fuzzy, f"fuzzy in {po} (check, then delete the flag):\n" + "\n".join(fuzzy)


def test_placeholders_are_the_same_in_the_translation(po):
    _header, entries = catalogue(po)
    wrong = []
    for entry in entries:
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if entry.msgid_plural and index else entry.msgid
            expected = placeholders(source or "")
            if set(placeholders(text)) != set(expected):
                wrong.append(f"{entry.where()} -> {text!r}")
            elif "python-format" in entry.flags:
                names = dict.fromkeys(re.findall(r"%\((\w+)\)", entry.msgid), 1)
                try:
                    text % (names or ())
                except (TypeError, ValueError, KeyError) as error:
                    wrong.append(f"{entry.where()} -> {text!r}: {error}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_committed_mo_is_the_po_compiled(po):
    _header, entries = catalogue(po)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run scripts/update-translations and commit it"
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.info().get("content-type", "").lower().endswith("charset=utf-8")
    in_mo = {key: text for key, text in translations._catalog.items() if key != ""}
    in_po = compiled(entries)
    stale = sorted(str(key) for key in in_po.keys() - in_mo.keys())
    extra = sorted(str(key) for key in in_mo.keys() - in_po.keys())
    changed = sorted(str(key) for key in in_po.keys() & in_mo.keys() if in_po[key] != in_mo[key])
    assert not (stale or extra or changed), (
        f"{mo} is not {po.name} compiled; run scripts/update-translations.\n"
        f"missing from the .mo: {stale[:10]}\nonly in the .mo: {extra[:10]}\n"
        f"translated differently: {changed[:10]}"
    )


def test_django_speaks_the_catalogue():
    _header, entries = catalogue(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")
    sample = next(entry for entry in entries if entry.msgid == "Not found, or not yours to see.")
    with translation.override("zh-hans"):
        assert translation.gettext(sample.msgid) == sample.msgstr[0]
    with translation.override("en"):
        assert translation.gettext(sample.msgid) == sample.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_in_the_source_is_in_the_catalogue(tmp_path, monkeypatch):
    """Extract the strings from a copy of the source the way the script does, and find each in
    the committed catalogue. Fails when someone adds a string and has not run
    scripts/update-translations."""
    package = Path(settings.PACKAGE_DIR)
    copy = tmp_path / "linli"
    shutil.copytree(
        package,
        copy,
        ignore=shutil.ignore_patterns("demo", "locale", "__pycache__"),
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], ignore_patterns=["demo/*"], verbosity=0)
    _header, fresh = catalogue(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    # The pages' Jinja2 templates are read too: a phrase, a sentence with a name, a plural.
    extracted = {entry.msgid: entry for entry in fresh}
    assert "Place order" in extracted and "closes in %(left)s" in extracted
    assert extracted["%(orders)s order"].msgid_plural == "%(orders)s orders"
    for language in LANGUAGES:
        _header, committed = catalogue(LOCALE / language / "LC_MESSAGES" / "django.po")
        known = {entry.key for entry in committed}
        missing = sorted(entry.msgid for entry in fresh if entry.key not in known)
        assert not missing, (
            f"not yet in the {language} catalogue (run scripts/update-translations and "
            "translate):\n" + "\n".join(missing)
        )
