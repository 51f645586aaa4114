"""The casework store: encrypted at rest, each report stored once, alerts and publications."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.core.report_codec import report_to_bytes
from server_stub.console.casework import (
    AlertStatus,
    CaseStatus,
    Casework,
    NewCase,
    new_alert_id,
)
from server_stub.console.errors import (
    AlertNotFoundError,
    CaseNotFoundError,
    NotInitialisedError,
    WrongPassphraseError,
)
from server_stub.console.keys import ConsolePaths
from server_stub.console.keystore import Passphrase
from sync.protocol.alert import Alert, Identifiers
from tests.console.conftest import NARRATIVE_MARKER, PASSPHRASE, REPORTER_NAME, make_report

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _case(relay_id: str = "r" * 22, key: str = "AAECAwQFBgcICQoLDA0ODw",
          **report: object) -> NewCase:
    return NewCase(relay_id=relay_id, idempotency_key=key, received_day=dt.date(2026, 11, 19),
                   report_bytes=report_to_bytes(make_report(**report)), reply_public_key=None)


def _alert(region: str = "uk.eng.wm", expires: dt.datetime = NOW + dt.timedelta(days=30)
           ) -> Alert:
    return Alert(id=new_alert_id(), regions=(region,), areas=(f"{region}.x",),
                 date=dt.date(2026, 11, 1), incident_types=("threats",), summary="A summary.",
                 identifiers=Identifiers(phones=("+447700900123",)), severity="high",
                 expires_at=expires)


def test_a_case_is_stored_once_by_relay_id_or_idempotency_key(casework: Casework) -> None:
    # Given a stored case
    first = casework.store_cases([_case()], pulled_at=NOW)
    # When the same envelope comes again, under its relay id or its idempotency key
    again = casework.store_cases([_case(), _case(relay_id="s" * 22)], pulled_at=NOW)
    # Then nothing new is stored, and both are recognised
    assert len(first.stored) == 1
    assert again.stored == ()
    assert again.already_held == ("r" * 22, "s" * 22)
    (case,) = casework.cases()
    assert case.id == first.stored[0]
    assert case.status is CaseStatus.NEW
    assert case.report() == make_report()


def test_nothing_of_a_report_is_readable_on_disk(paths: ConsolePaths) -> None:
    # Given a report stored and the store closed
    with Casework.open(paths.casework, PASSPHRASE) as casework:
        casework.store_cases([_case()], pulled_at=NOW)
    # Then no file of the console holds any of its words
    everything = b"".join(p.read_bytes() for p in paths.base.rglob("*") if p.is_file())
    for marker in (NARRATIVE_MARKER, REPORTER_NAME, "Bad.Guy@Example.COM", "ab12 cde"):
        assert marker.encode() not in everything


def test_the_store_opens_only_with_the_passphrase(paths: ConsolePaths, tmp_path: Path) -> None:
    with pytest.raises(WrongPassphraseError):
        Casework.open(paths.casework, Passphrase("wrong"))
    with pytest.raises(NotInitialisedError):
        Casework.open(tmp_path / "nowhere", PASSPHRASE)


def test_alerts_mark_their_case_reviewed_and_can_be_expired(casework: Casework) -> None:
    # Given a case and an alert made from it
    (case_id,) = casework.store_cases([_case()], pulled_at=NOW).stored
    alert = _alert()
    stored = casework.add_alert(case_id, alert, region="uk.eng.wm", created_at=NOW)
    # Then the case is reviewed and the alert is live for its region only
    assert casework.case(case_id).status is CaseStatus.REVIEWED
    assert stored.status is AlertStatus.ACTIVE
    assert casework.live_alerts("uk.eng.wm", NOW) == [alert]
    assert casework.live_alerts("uk.eng.nw", NOW) == []
    # When it is expired, Then it is no longer live
    casework.expire_alert(alert.id)
    assert casework.live_alerts("uk.eng.wm", NOW) == []
    assert casework.alerts()[0].status is AlertStatus.EXPIRED


def test_alerts_past_their_own_expiry_are_not_live(casework: Casework) -> None:
    (case_id,) = casework.store_cases([_case()], pulled_at=NOW).stored
    casework.add_alert(case_id, _alert(expires=NOW + dt.timedelta(hours=1)), region="uk.eng.wm",
                       created_at=NOW)
    assert len(casework.live_alerts("uk.eng.wm", NOW)) == 1
    assert casework.live_alerts("uk.eng.wm", NOW + dt.timedelta(hours=2)) == []


def test_unknown_ids_are_typed_errors(casework: Casework) -> None:
    with pytest.raises(CaseNotFoundError):
        casework.case("c000")
    with pytest.raises(CaseNotFoundError):
        casework.add_alert("c000", _alert(), region="uk.eng.wm", created_at=NOW)
    with pytest.raises(AlertNotFoundError):
        casework.expire_alert("a000")


def test_publication_versions_only_go_up(casework: Casework) -> None:
    assert casework.published_version("alerts", "uk.eng.wm") is None
    casework.record_publication("alerts", "uk.eng.wm", 3, NOW)
    casework.record_publication("alerts", "uk.eng.wm", 2, NOW)
    assert casework.published_version("alerts", "uk.eng.wm") == 3
