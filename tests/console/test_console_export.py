"""Consented exports: across every combination of consents a report never leaves under
the wrong one, contacts only go where consented, intelligence is redacted, every export
is logged, and the output matches its documented schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from app.core.areas import AreaTaxonomy
from app.core.report import Report, Wishes
from app.core.report_codec import report_to_bytes
from app.core.vocab import SubmittedBy
from server_stub.console.casework import Casework, NewCase
from server_stub.console.export import (
    CSV_COLUMNS,
    ExportConsent,
    ExportFormat,
    build_export,
    render,
)
from server_stub.console.keys import ConsolePaths
from tests.console.conftest import (
    NARRATIVE_MARKER,
    PASSPHRASE,
    REPORTER_NAME,
    REPORTER_NUMBER,
    make_report,
)

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "docs" / "export.schema.json").read_text())
CONTACT = f"{REPORTER_NAME} {REPORTER_NUMBER}"
DAY = dt.date(2026, 11, 10)
FLAGS = ("warn_others", "police_intel", "police_report", "support_contact")


def _matrix() -> list[tuple[str, Report]]:
    """Every combination of the four consents, with and without a contact, filed by the
    person themself or by an outreach worker: 64 reports, each tagged in its narrative."""
    reports = []
    for bits in itertools.product((False, True), repeat=4):
        for contact, by in itertools.product(("", CONTACT), SubmittedBy):
            tag = "-".join(f for f, on in zip(FLAGS, bits, strict=True) if on) or "none"
            tag = f"{tag}/{'contact' if contact else 'nocontact'}/{by.value}"
            wishes = Wishes(**dict(zip(FLAGS, bits, strict=True)), contact=contact)
            reports.append((tag, make_report(
                wishes=wishes, submitted_by=by,
                organisation_code="REDPROJECT" if by is SubmittedBy.OUTREACH else None,
                narrative=f"{NARRATIVE_MARKER} [{tag}] call me on 07700 900999 or "
                          f"jas@example.net, I am {REPORTER_NAME}")))
    return reports


@pytest.fixture
def filled(casework: Casework) -> dict[str, tuple[str, Report]]:
    """The matrix stored as cases; case id -> (tag, report)."""
    matrix = _matrix()
    outcome = casework.store_cases(
        [NewCase(f"r{i}", f"k{i:040d}", DAY, report_to_bytes(report), None)
         for i, (_tag, report) in enumerate(matrix)], pulled_at=dt.datetime.now(dt.UTC))
    return dict(zip(outcome.stored, matrix, strict=True))


def _expected(report: Report, consent: ExportConsent) -> bool:
    if consent is ExportConsent.POLICE_INTEL:
        return report.wishes.police_intel
    return report.wishes.police_report and bool(report.wishes.contact)


@pytest.mark.parametrize("consent", list(ExportConsent))
def test_a_report_leaves_only_under_the_consent_it_carries(
        consent: ExportConsent, casework: Casework, filled: dict[str, tuple[str, Report]],
        areas: AreaTaxonomy) -> None:
    export = build_export(casework.cases(), consent, areas, since=DAY, until=DAY)
    wanted = {case_id for case_id, (_t, r) in filled.items() if _expected(r, consent)}
    assert set(export.case_ids) == wanted
    assert len(wanted) == (32 if consent is ExportConsent.POLICE_INTEL else 16)
    for record in export.records:
        tag, report = filled[record["record_id"]]
        assert f"[{tag}]" in report.narrative
        assert record["consent"] == consent.value
        jsonschema.validate(record, SCHEMA)


def test_intelligence_carries_nothing_that_reaches_the_reporter(
        casework: Casework, filled: dict[str, tuple[str, Report]], areas: AreaTaxonomy) -> None:
    export = build_export(casework.cases(), ExportConsent.POLICE_INTEL, areas,
                          since=DAY, until=DAY)
    text = render(export, ExportFormat.JSONL) + render(export, ExportFormat.CSV)
    assert re.sub(r"\D", "", REPORTER_NUMBER)[1:] not in re.sub(r"\D", "", text)
    assert "900999" not in re.sub(r"\D", "", text)
    assert "jas@example.net" not in text
    assert "REDPROJECT" not in text
    for record in export.records:
        _tag, report = filled[record["record_id"]]
        # A name the reporter gave as part of their contact is removed wherever it appears;
        # one written only in the story cannot be known to a machine (docs/EXPORT.md).
        if report.wishes.contact:
            assert REPORTER_NAME not in json.dumps(record)
        assert record["reporter_contact"] is None
        assert "[removed]" in record["narrative"]
        # What describes the offender stays
        assert record["identifiers"]["phones"] == ["+447700900123"]
        assert record["identifiers"]["vehicles"][0]["registration"] == "AB12CDE"
        assert record["identifiers"]["emails"] == ["bad.guy@example.com"]


def test_a_police_report_carries_the_contact_and_the_reporters_own_words(
        casework: Casework, filled: dict[str, tuple[str, Report]], areas: AreaTaxonomy) -> None:
    export = build_export(casework.cases(), ExportConsent.POLICE_REPORT, areas,
                          since=DAY, until=DAY)
    assert export.records
    for record in export.records:
        _tag, report = filled[record["record_id"]]
        assert record["reporter_contact"] == CONTACT
        assert record["narrative"] == report.narrative
        assert record["area"] == {"code": "uk.eng.wm.wmp.birmingham", "name": "Birmingham",
                                  "police_force": "West Midlands Police"}


def test_only_reports_received_in_the_range_leave(casework: Casework,
                                                  areas: AreaTaxonomy) -> None:
    report = make_report(wishes=Wishes(police_intel=True))
    casework.store_cases([NewCase(f"r{d}", f"k{d:040d}", dt.date(2026, 11, d),
                                  report_to_bytes(report), None) for d in (1, 15, 30)],
                         pulled_at=dt.datetime.now(dt.UTC))
    export = build_export(casework.cases(), ExportConsent.POLICE_INTEL, areas,
                          since=dt.date(2026, 11, 2), until=dt.date(2026, 11, 29))
    assert [r["received_day"] for r in export.records] == ["2026-11-15"]


def test_csv_has_the_documented_columns_and_cannot_run_as_a_formula(
        casework: Casework, filled: dict[str, tuple[str, Report]], areas: AreaTaxonomy) -> None:
    export = build_export(casework.cases(), ExportConsent.POLICE_REPORT, areas,
                          since=DAY, until=DAY)
    rows = list(csv.DictReader(io.StringIO(render(export, ExportFormat.CSV))))
    assert len(rows) == len(export.records)
    assert tuple(rows[0]) == tuple(CSV_COLUMNS)
    assert rows[0]["phones"] == "'+447700900123"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_the_documentation_and_the_schema_name_the_same_fields() -> None:
    doc = (REPO / "docs" / "EXPORT.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE))
    assert documented == set(SCHEMA["properties"])
    csv_doc = doc.split("### CSV", 1)[1]
    assert all(f"{column}" in csv_doc for column in CSV_COLUMNS)
    assert set(SCHEMA["required"]) == set(SCHEMA["properties"])


# --- the command line --------------------------------------------------------------------

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(console: Run) -> Run:
    return console


def test_every_export_is_logged_with_exactly_what_left(
        run: Run, filled: dict[str, tuple[str, Report]], tmp_path: Path,
        paths: ConsolePaths) -> None:
    out = tmp_path / "intel.jsonl"
    code, _out, err = run("export", "--consent", "police-intel", "--since", "2026-11-01",
                          "--until", "2026-11-30", "--format", "jsonl", "--by", "A. Reviewer",
                          "--out", str(out))
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exported = [json.loads(line)["record_id"] for line in out.read_text().splitlines()]
    code, stdout, _err = run("export", "--consent", "police-report", "--since", "2026-11-01",
                             "--until", "2026-11-30", "--format", "csv", "--by", "B. Reviewer")
    assert code == 0
    assert stdout.startswith("schema,record_id,")
    with Casework.open(paths.casework, PASSPHRASE) as casework:
        log = casework.exports()
    assert [(e.operator, e.consent, e.format) for e in log] == [
        ("A. Reviewer", "police-intel", "jsonl"), ("B. Reviewer", "police-report", "csv")]
    assert list(log[0].case_ids) == exported
    assert len(log[1].case_ids) == 16
    code, listing, _err = run("export-log")
    assert code == 0
    assert log[0].id in listing
    assert "A. Reviewer" in listing


def test_bad_input_is_refused_clearly_and_writes_nothing(
        run: Run, filled: dict[str, tuple[str, Report]], tmp_path: Path,
        paths: ConsolePaths) -> None:
    existing = tmp_path / "keep.csv"
    existing.write_text("precious")
    refusals = [
        (("--since", "01/11/2026", "--by", "A"), "is not a day written like"),
        (("--since", "2026-11-30", "--until", "2026-11-01", "--by", "A"), "--since is after"),
        (("--since", "2026-11-01"), "--by NAME"),
        (("--since", "2026-11-01", "--by", "A", "--out", str(existing)), "already exists"),
    ]
    for extra, words in refusals:
        with pytest.raises(SystemExit) if "day written" in words else _no_exit():
            code, out, err = run("export", "--consent", "police-intel", *extra)
            assert code != 0
            assert words in out + err
    assert existing.read_text() == "precious"
    with Casework.open(paths.casework, PASSPHRASE) as casework:
        assert casework.exports() == []


class _no_exit:  # noqa: N801 - reads like pytest.raises at the call site
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_an_unconsented_report_is_in_no_export_even_when_asked_by_date(
        casework: Casework, areas: AreaTaxonomy) -> None:
    report = replace(make_report(), wishes=Wishes(warn_others=True, support_contact=True,
                                                  contact=CONTACT))
    casework.store_cases([NewCase("r1", "k" * 40, DAY, report_to_bytes(report), None)],
                         pulled_at=dt.datetime.now(dt.UTC))
    for consent in ExportConsent:
        assert build_export(casework.cases(), consent, areas, since=DAY, until=DAY).records == []
