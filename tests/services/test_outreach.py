"""Outreach mode: a participating organisation's code, a passcode of its own, sessions
whose drafts are destroyed, and nothing of a report kept once it is sent or delivered."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta

import pytest

from app.core.areas import AreaTaxonomy
from app.core.report import Report
from app.core.vocab import IncidentType, SubmittedBy
from app.services.directory import Directory
from app.services.outreach import OutreachError, OutreachService
from app.services.reporting import ReportingService
from app.services.settings import SettingsStore
from app.vault.kdf import KdfParams
from app.vault.outbox import OutboxStore
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from sync.protocol.directory import Service, ServicePhone
from sync.protocol.envelope import generate_report_keypair
from sync.protocol.outbox import OutboxEvent

RED = Service(id="red-project", name="The Red Project", areas=("uk.eng.wm.wmp.birmingham",),
              help=("sex_worker_support",), phones=(ServicePhone("Phone", "0121 643 0301",
                                                                 "+441216430301"),),
              description="Support.", code="REDPROJECT")
DIRECTORY = Directory((RED,), 1, None, shipped=True)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outreach(vault: Vault, clock: Clock) -> OutreachService:
    return OutreachService(vault, ReportStore(vault), lambda: DIRECTORY,
                           kdf=KdfParams.insecure_fast(), clock=clock)


def _report() -> Report:
    return Report(date=dt.date(2026, 11, 20), area_code="uk.eng.wm.wmp.birmingham",
                  incident_types=(IncidentType.ROBBERY,), narrative="QZXOUTREACH",
                  submitted_by=SubmittedBy.OUTREACH, organisation_code="REDPROJECT")


def test_only_a_participating_organisation_can_turn_it_on(outreach: OutreachService) -> None:
    with pytest.raises(OutreachError) as caught:
        outreach.enable("NOSUCHORG", "worker passcode")
    assert caught.value.code == "unknown_organisation"
    mode = outreach.enable("redproject", "worker passcode")
    assert (mode.organisation_code, mode.organisation_name) == ("REDPROJECT", "The Red Project")


def test_its_own_passcode_guards_sessions_and_turning_it_off(outreach: OutreachService) -> None:
    outreach.enable("REDPROJECT", "worker passcode")
    with pytest.raises(OutreachError):
        outreach.start("wrong passcode")
    with pytest.raises(OutreachError):
        outreach.disable("wrong passcode")
    outreach.disable("worker passcode")
    assert outreach.mode() is None


def test_ending_a_session_destroys_its_drafts(outreach: OutreachService, vault: Vault) -> None:
    outreach.enable("REDPROJECT", "worker passcode")
    reports = ReportStore(vault)
    session = outreach.start("worker passcode")
    draft = reports.save_draft(_report())
    outreach.track(session, draft)
    outreach.end(session)
    assert reports.count() == 0


def test_timed_out_sessions_are_swept_even_after_a_restart(outreach: OutreachService,
                                                           vault: Vault, clock: Clock) -> None:
    outreach.enable("REDPROJECT", "worker passcode", session_minutes=30)
    reports = ReportStore(vault)
    session = outreach.start("worker passcode")
    outreach.track(session, reports.save_draft(_report()))
    # The app dies; later a new service object (a restart) sweeps
    clock.now += timedelta(minutes=10)
    assert outreach.sweep() == 0
    clock.now += timedelta(minutes=25)
    assert outreach.sweep() == 1
    assert reports.count() == 0


def test_nothing_of_a_report_stays_once_sent_and_delivered(outreach: OutreachService,
                                                           vault: Vault) -> None:
    outreach.enable("REDPROJECT", "worker passcode")
    _, public = generate_report_keypair()
    outbox, reports = OutboxStore(vault), ReportStore(vault)
    reporting = ReportingService(reports, outbox, SettingsStore(vault), AreaTaxonomy.load(),
                                 public, zero_retention=lambda: outreach.mode() is not None)
    session = outreach.start("worker passcode")
    report_id = reporting.save_draft(_report())
    outreach.track(session, report_id)
    assert reporting.send(report_id) == []
    # Sent: the readable copy is gone, the sealed envelope waits for signal
    assert reports.count() == 0
    [item] = outbox.items()
    outbox.apply(item.id, OutboxEvent.ATTEMPT)
    delivered = outbox.apply(item.id, OutboxEvent.ACCEPTED, receipt={"id": "r"})
    reporting.after_delivery(delivered)
    # Delivered: nothing is left at all
    assert outbox.items() == []
    outreach.end(session)
