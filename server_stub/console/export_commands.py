"""`brolly console export` and `export-log`: consented sharing, always logged."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from app.core.areas import AreaTaxonomy
from server_stub.console import terminal as term
from server_stub.console.casework import ExportLogEntry, new_export_id
from server_stub.console.commands import _now, _open_casework, guarded
from server_stub.console.export import ExportConsent, ExportFormat, build_export, render
from server_stub.console.terminal import _, say, show


def day(text: str) -> dt.date:
    """An argparse type: a day written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(text)r is not a day written like 2026-11-22.") % {"text": text}) from None


@guarded
def run_export(args: argparse.Namespace) -> int:
    until = args.until or _now().date()
    operator = (args.by or "").strip()
    if not operator:
        say(_("Say who is exporting with --by NAME: every export is logged."))
        return term.EXIT_USAGE
    if args.since > until:
        say(_("--since is after --until: nothing would be exported."))
        return term.EXIT_USAGE
    if args.out is not None and args.out.exists():
        say(_("%(file)s already exists; nothing was written. Choose a new file.") % {
            "file": args.out})
        return term.EXIT_USAGE
    consent, fmt = ExportConsent(args.consent), ExportFormat(args.format)
    with _open_casework(args) as casework:
        export = build_export(casework.cases(), consent, AreaTaxonomy.load(),
                              since=args.since, until=until)
        text = render(export, fmt)
        entry = ExportLogEntry(new_export_id(), _now(), operator, consent.value, fmt.value,
                               args.since, until, tuple(export.case_ids))
        if args.out is not None:
            _write_private(args.out, text)
        try:
            casework.record_export(entry)
        except BaseException:
            if args.out is not None:
                args.out.unlink(missing_ok=True)  # an export that is not logged is not made
            raise
    if args.out is None:
        show(text.rstrip("\n"))
    say(_("Exported %(count)d report(s) under %(consent)s consent; logged as %(id)s.") % {
        "count": len(export.records), "consent": consent.value, "id": entry.id})
    return term.EXIT_OK


@guarded
def run_export_log(args: argparse.Namespace) -> int:
    with _open_casework(args) as casework:
        entries = casework.exports()
    if not entries:
        say(_("Nothing has been exported yet."))
    for entry in entries:
        show(_("%(id)s  %(when)s  by %(who)s  %(consent)s  %(format)s  %(since)s to %(until)s"
               "  %(count)d report(s): %(cases)s") % {
            "id": entry.id, "when": entry.exported_at.isoformat(timespec="seconds"),
            "who": entry.operator, "consent": entry.consent, "format": entry.format,
            "since": entry.since, "until": entry.until, "count": len(entry.case_ids),
            "cases": " ".join(entry.case_ids) or "-"})
    return term.EXIT_OK


def _write_private(path: Path, text: str) -> None:
    """Readable by the operator only: an export holds what reporters shared."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        out.write(text)
