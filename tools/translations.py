"""The translation workflow, in one place for the Makefile, the tests and volunteers.

    python -m tools.translations extract   # app/ and sync/ -> locales/brolly.pot
    python -m tools.translations update    # extract, then merge the template into every .po
    python -m tools.translations compile   # every .po -> .mo (what the app reads)
    python -m tools.translations check     # fail on anything missing, fuzzy or mismatched
    python -m tools.translations todo LOCALE  # the entries LOCALE still lacks

See docs/TRANSLATING.md.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "locales"
DOMAIN = "brolly"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
KEYWORDS = ("-k", "N_", "-k", "_", "-k", "ngettext:1,2")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")


@dataclass(frozen=True)
class Finding:
    locale: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        return f"{self.locale}: {self.problem}: {self.msgid!r}"


def po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def locales() -> list[str]:
    """Every translated locale (English is the source and has no catalogue)."""
    return sorted(p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract(output: Path = TEMPLATE) -> None:
    _pybabel("extract", "-F", str(REPO / "babel.cfg"), *KEYWORDS,
             "--add-comments=TRANSLATORS:", "--sort-by-file", "--no-wrap", "--omit-header",
             "-o", str(output), ".")


def update() -> None:
    extract()
    for locale in locales():
        _pybabel("update", "-D", DOMAIN, "-i", str(TEMPLATE), "-d", str(LOCALES), "-l", locale,
                 "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching")


def compile_all() -> None:
    for locale in locales():
        po = po_path(locale)
        _pybabel("compile", "-D", DOMAIN, "-i", str(po), "-o", str(po.with_suffix(".mo")))


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def template_drift() -> list[str]:
    """Message ids in the code but not in the template, or the other way round."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "fresh.pot"
        extract(fresh)
        now = {_key(m) for m in read_catalog(fresh) if m.id}
    held = {_key(m) for m in read_catalog(TEMPLATE) if m.id}
    return ([f"not in locales/{DOMAIN}.pot (run `make translations`): {m!r}"
             for m in sorted(now - held)]
            + [f"in locales/{DOMAIN}.pot but no longer in the code: {m!r}"
               for m in sorted(held - now)])


def check_catalog(locale: str, catalog: Catalog | None = None) -> list[Finding]:
    """Everything wrong with ``locale``'s catalogue: the file on disk, checked against the
    template, unless a ``catalog`` is given."""
    findings: list[Finding] = []
    if catalog is None:
        catalog = read_catalog(po_path(locale), locale)
        template = {_key(m) for m in read_catalog(TEMPLATE) if m.id}
        held = {_key(m) for m in _messages(catalog)}
        findings += [Finding(locale, m, "missing from the catalogue")
                     for m in sorted(template - held)]
    if catalog.fuzzy:
        findings.append(Finding(locale, "", "the catalogue is marked fuzzy"))
    for message in _messages(catalog):
        findings += _check_message(locale, catalog, message)
    return findings


def _check_message(locale: str, catalog: Catalog, message: Message) -> list[Finding]:
    msgid = _key(message)
    if message.fuzzy:
        return [Finding(locale, msgid, "fuzzy")]
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
        return [Finding(locale, msgid, f"needs {catalog.num_plurals} plural forms")]
    if not all(strings):
        return [Finding(locale, msgid, "untranslated")]
    expected = _placeholders(ids[-1])
    found: list[Finding] = []
    for form in strings:
        if _placeholders(form) != expected and not _drops_only_count(ids, form, catalog):
            found.append(Finding(locale, msgid, f"placeholders differ in {form!r}"))
    return found


def _drops_only_count(ids: Sequence[str], form: str, catalog: Catalog) -> bool:
    """A language with one plural form may use the plural source's placeholders; a form for
    exactly one may leave the count out ("one warning"), as English itself could."""
    return len(ids) == 2 and _placeholders(form) | {"count"} == _placeholders(ids[-1]) | {"count"}


def _placeholders(text: str) -> set[str]:
    return {match.group(0) if match.group(1) is None else match.group(1)
            for match in _PLACEHOLDER.finditer(text)}


def _messages(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id)


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _pybabel(*args: str) -> None:
    with contextlib.chdir(REPO):  # so that the template records paths relative to the repo
        CommandLineInterface().run(["pybabel", "--quiet", *args])


def main(argv: Sequence[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "todo" and len(argv) == 2:
        for finding in check_catalog(argv[1]):
            print(finding)
    elif command == "check":
        problems = [str(f) for locale in locales() for f in check_catalog(locale)]
        problems += template_drift()
        print("\n".join(problems) or f"{len(locales())} catalogues complete")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
