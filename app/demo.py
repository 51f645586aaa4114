"""`brolly demo`: a walk through the vault with throwaway data, nothing sent anywhere."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from app import i18n
from app.core.areas import AreaTaxonomy
from app.core.identifiers import normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle
from app.core.validation import validate
from app.core.vocab import IncidentType, PlaceType, TimeOfDay
from app.vault.reports import ReportStore
from app.vault.vault import Vault

_translation = i18n.translation(i18n.locale_from_environment(os.environ))
_ = _translation.gettext
ngettext = _translation.ngettext

DEMO_PASSCODE = "demo only 4821"
DEMO_TEXT = "DEMO report: not a real incident"


def run_demo(args: argparse.Namespace, say: Callable[[str], None]) -> int:
    root = Path(args.dir).resolve()
    phone_dir = root / "phone"
    shutil.rmtree(phone_dir, ignore_errors=True)
    vault = Vault(phone_dir)
    vault.create(DEMO_PASSCODE)
    say(_("Created a throwaway vault in %(dir)s (passcode: %(passcode)s).")
        % {"dir": phone_dir, "passcode": DEMO_PASSCODE})
    store = ReportStore(vault)
    areas = AreaTaxonomy.load()
    for report in _demo_reports():
        problems = validate(report, areas)
        store.save_draft(report, step=5)
        say(ngettext("Saved a DEMO report in %(area)s (%(count)d thing to check before sending).",
                     "Saved a DEMO report in %(area)s (%(count)d things to check before sending).",
                     len(problems))
            % {"area": _(areas.get(report.area_code or "uk").name), "count": len(problems)})
    vault.lock()
    leaked = _find_text(phone_dir, DEMO_TEXT.encode("utf-8"))
    say(_("Locked. Files on disk: %(files)s.") % {"files": ", ".join(
        f"{p.name} ({p.stat().st_size} B)" for p in sorted(phone_dir.iterdir()))})
    say(ngettext("Searching them for the report text finds it %(count)d time.",
                 "Searching them for the report text finds it %(count)d times.", leaked)
        % {"count": leaked})
    vault.unlock(DEMO_PASSCODE)
    say(ngettext("Unlocked again with the passcode: %(count)d report is there.",
                 "Unlocked again with the passcode: %(count)d reports are there.", store.count())
        % {"count": store.count()})
    vault.lock()
    return 0 if leaked == 0 else 1


def _demo_reports() -> list[Report]:
    today = dt.date.today()
    return [
        Report(date=today - dt.timedelta(days=2), time_of_day=TimeOfDay.NIGHT,
               area_code="uk.eng.wm.wmp.birmingham", place_type=PlaceType.CAR,
               incident_types=(IncidentType.ROBBERY, IncidentType.THREATS),
               perpetrator=Perpetrator(people_count=1, features="DEMO: snake tattoo on neck"),
               identifiers=Identifiers(phones=(normalise_phone("07700 900123"),),
                                       vehicles=(Vehicle(make="Ford", colour="silver",
                                                         registration="DEMO1"),)),
               narrative=DEMO_TEXT),
        Report(date=today - dt.timedelta(days=9), area_code="uk.eng.wm.wmp.coventry",
               incident_types=(IncidentType.TIME_WASTING,), narrative=DEMO_TEXT),
    ]


def _find_text(directory: Path, needle: bytes) -> int:
    return sum(path.read_bytes().count(needle) for path in directory.rglob("*") if path.is_file())
