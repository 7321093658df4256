"""English through gettext: the catalogue is complete, compiled, and used by the pages.

The .po file is read with a small reader of our own (no polib) and the committed .mo with
the standard library's gettext, so the checks run on machines without GNU gettext.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.utils import translation

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[n] for n in sorted(self.msgstr_plural)] or [""]

    def __str__(self):
        return repr(self.msgid)


def read_po(path: Path) -> list[PoEntry]:
    """The entries of a .po file: enough of the format for what makemessages writes."""
    entries: list[PoEntry] = []
    entry, target = PoEntry(), None
    started = False

    def finish():
        nonlocal entry, target, started
        if started:
            entries.append(entry)
        entry, target, started = PoEntry(), None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete, started = True, True
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            started = True
            continue
        if line.startswith("#"):
            started = True
            continue
        started = True
        match = KEYWORD.match(line)
        if match:
            keyword, index, value = match.groups()
            target = (keyword, index)
            _append(entry, target, ast.literal_eval(value), start=True)
        elif line.startswith('"') and target is not None:
            _append(entry, target, ast.literal_eval(line))
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
    finish()
    return entries


def _append(entry: PoEntry, target, text: str, start: bool = False):
    keyword, index = target
    if keyword.startswith("msgstr") and index is not None:
        entry.msgstr_plural[int(index)] = ("" if start else entry.msgstr_plural[int(index)]) + text
        return
    name = keyword
    current = "" if start else (getattr(entry, name) or "")
    setattr(entry, name, current + text)


def _messages() -> list[PoEntry]:
    """The translatable entries: not the header, not obsolete ones."""
    return [e for e in read_po(PO_FILE) if e.msgid and not e.obsolete]


class EnglishCatalogueTests(TestCase):
    def test_the_english_catalogue_exists_with_its_compiled_file(self):
        self.assertTrue(PO_FILE.is_file(), PO_FILE)
        self.assertTrue(MO_FILE.is_file(), f"{MO_FILE}: run `kunskapsnav manage compilemessages`")
        self.assertGreater(len(_messages()), 100)

    def test_every_entry_of_the_english_catalogue_is_translated(self):
        untranslated = [str(e) for e in _messages() if not all(t.strip() for t in e.translations)]
        self.assertEqual(untranslated, [])

    def test_every_plural_entry_has_both_english_forms(self):
        incomplete = [str(e) for e in _messages() if e.msgid_plural is not None and sorted(e.msgstr_plural) != [0, 1]]
        self.assertEqual(incomplete, [])

    def test_no_entry_of_the_english_catalogue_is_fuzzy(self):
        fuzzy = [str(e) if e.msgid else "(header)" for e in read_po(PO_FILE) if "fuzzy" in e.flags and not e.obsolete]
        self.assertEqual(fuzzy, [])

    def test_translations_keep_every_placeholder_of_the_swedish_text(self):
        wrong = []
        for e in _messages():
            expected = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
            for text in e.translations:
                if set(PLACEHOLDER.findall(text)) != expected:
                    wrong.append((e.msgid, text))
        self.assertEqual(wrong, [])

    def test_the_compiled_catalogue_is_up_to_date_with_the_po_file(self):
        with MO_FILE.open("rb") as fp:
            compiled = gettext.GNUTranslations(fp)
        stale = []
        for e in _messages():
            if e.msgid_plural is None:
                found = [compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)]
            else:
                # English has two forms (plural=(n != 1)): 1 selects the first, 2 the second.
                found = [
                    compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                    if e.msgctxt
                    else compiled.ngettext(e.msgid, e.msgid_plural, n)
                    for n in (1, 2)
                ]
            if found != e.translations:
                stale.append((e.msgid, e.translations, found))
        self.assertEqual(stale, [], "the .mo is out of date: run `kunskapsnav manage compilemessages`")


class LanguageSwitchTests(TestCase):
    def setUp(self):
        # The locale middleware activates the request's language in this thread; leave the
        # thread as it was found for the tests that run after these.
        self.addCleanup(translation.activate, translation.get_language() or settings.LANGUAGE_CODE)

    def _switch_to(self, language):
        response = self.client.post("/i18n/setlang/", {"language": language, "next": "/"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_pages_are_in_swedish_by_default(self):
        home = self.client.get("/")
        self.assertContains(home, '<html lang="sv">', html=False)
        self.assertContains(home, "Hoppa till innehållet")
        self.assertContains(home, "<h2>Organisationen</h2>", html=True)
        self.assertNotContains(home, "Skip to main content")
        bodies = self.client.get("/organisation/organ/")
        self.assertContains(bodies, "<h1>Organ i kunskapsstyrningen</h1>", html=True)
        self.assertContains(bodies, "Ladda ner som CSV")

    def test_the_start_page_is_in_english_after_switching_language(self):
        self._switch_to("en")
        response = self.client.get("/")
        self.assertContains(response, '<html lang="en">', html=False)
        self.assertContains(response, "Skip to main content")
        self.assertContains(response, 'aria-label="Main menu"', html=False)
        self.assertContains(response, "Log in")
        self.assertContains(response, "<h2>The organisation</h2>", html=True)
        self.assertContains(response, "Coverage: regions × national programme areas")
        self.assertContains(response, "API documentation")
        self.assertNotContains(response, "Hoppa till innehållet")
        self.assertNotContains(response, "Logga in")

    def test_the_body_directory_is_in_english_after_switching_language(self):
        self._switch_to("en")
        response = self.client.get("/organisation/organ/")
        self.assertContains(response, "<h1>Bodies in knowledge governance</h1>", html=True)
        self.assertContains(response, "<title>Bodies – Kunskapsnav</title>", html=False)
        self.assertContains(response, "Download as CSV")
        self.assertContains(response, "All levels")
        self.assertContains(response, "National programme area (NPO)")
        self.assertNotContains(response, "Organ i kunskapsstyrningen")
        self.assertNotContains(response, "Ladda ner som CSV")

    def test_switching_back_to_swedish_restores_the_swedish_pages(self):
        self._switch_to("en")
        self._switch_to("sv")
        response = self.client.get("/organisation/organ/")
        self.assertContains(response, "<h1>Organ i kunskapsstyrningen</h1>", html=True)
        self.assertNotContains(response, "Bodies in knowledge governance")
