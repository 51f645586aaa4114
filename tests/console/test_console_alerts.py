"""Alerts: made only with consent, redacted, and published to a real relay as bundles the
phones accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.core.areas import AreaTaxonomy
from app.core.identifiers import normalise_phone
from app.core.report import Wishes
from app.core.report_codec import report_to_bytes
from server_stub.console.alerts import AlertRequest, build_alert, create_alert
from server_stub.console.casework import CaseStatus, Casework, NewCase
from server_stub.console.errors import AlertRefusedError, RegionError
from server_stub.console.keys import ConsolePaths, load_publisher_key
from server_stub.console.publish import Publisher, publish_alerts
from sync.protocol.alert import Alert, alert_from_item, alert_to_item, alerts_in
from sync.protocol.bundle import sign_bundle, verify_bundle
from sync.protocol.envelope import new_idempotency_key
from sync.protocol.trust import Trust
from tests.console.conftest import (
    NARRATIVE_MARKER,
    PASSPHRASE,
    PERPETRATOR_E164,
    REPORTER_NAME,
    RunningRelay,
    make_report,
)

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
REGION = "uk.eng.wm"


def _store(casework: Casework, **report: object) -> str:
    case = NewCase(relay_id=new_idempotency_key(), idempotency_key=new_idempotency_key(),
                   received_day=NOW.date(), report_bytes=report_to_bytes(make_report(**report)),
                   reply_public_key=None)
    (case_id,) = casework.store_cases([case], pulled_at=NOW).stored
    return case_id


def _build(casework: Casework, areas: AreaTaxonomy, request: AlertRequest | None = None,
           **report: object) -> Alert:
    return build_alert(casework.case(_store(casework, **report)), areas,
                       request or AlertRequest(), NOW)


def test_an_alert_carries_what_warns_and_nothing_that_identifies_the_reporter(
        casework: Casework, areas: AreaTaxonomy) -> None:
    # Given a report with a narrative, the reporter's name and number, and advert links
    # When an alert is built with the default summary
    alert = _build(casework, areas)
    item = alert_from_item(_item(alert))
    # Then it is placed in the region feed and the report's own area
    assert item.regions == (REGION,)
    assert item.areas == ("uk.eng.wm.wmp.birmingham",)
    assert item.date == dt.date(2026, 11, 1)
    assert item.incident_types == ("physical_assault", "threats")
    assert item.severity == "high"
    # And its identifiers are in matching form: verified phones only, lower-cased email,
    # normalised handle and plate; no advert link
    assert item.identifiers.phones == (PERPETRATOR_E164,)
    assert item.identifiers.emails == ("bad.guy@example.com",)
    assert [(h.platform, h.handle) for h in item.identifiers.handles] == [
        ("adultwork", "badguy99")]
    assert item.identifiers.registrations == ("AB12CDE",)
    # And nothing of the narrative, the reporter's contact or the advert is anywhere in it
    text = str(_item(alert))
    for secret in (NARRATIVE_MARKER, "wrist", REPORTER_NAME, "900888", "900999",
                   "jas@example.net", "my-own-advert"):
        assert secret not in text


def test_a_reviewer_summary_is_redacted(casework: Casework, areas: AreaTaxonomy) -> None:
    # Given a reviewer who pastes contact details into the summary
    request = AlertRequest(summary=(f"{REPORTER_NAME} says he rings from 07700 900456 and "
                                    "emails dodgy@example.com; see www.example.org/ad @dodgy"),
                           severity="medium")
    # When the alert is built
    alert = _build(casework, areas, request)
    # Then every phone, email, link, handle and the reporter's name are gone
    for gone in (REPORTER_NAME, "900456", "dodgy", "example.org"):
        assert gone not in alert.summary
    assert "says he rings from" in alert.summary
    assert alert.severity == "medium"


def test_without_consent_to_warn_others_there_is_no_alert(casework: Casework,
                                                          areas: AreaTaxonomy) -> None:
    case_id = _store(casework, wishes=Wishes(warn_others=False, police_intel=True))
    with pytest.raises(AlertRefusedError) as caught:
        create_alert(casework, case_id, areas, AlertRequest(), NOW)
    assert caught.value.reason == "no_consent"
    assert casework.alerts() == []
    assert casework.case(case_id).status is CaseStatus.NEW


@pytest.mark.parametrize(("changes", "reason"), [
    ({"area_code": None}, "no_area"),
    ({"area_code": "uk"}, "area_too_broad"),
    ({"date": None}, "no_date"),
    ({"incident_types": ()}, "no_incident_types"),
])
def test_incomplete_reports_are_refused(casework: Casework, areas: AreaTaxonomy,
                                        changes: dict[str, object], reason: str) -> None:
    with pytest.raises(AlertRefusedError) as caught:
        _build(casework, areas, **changes)
    assert caught.value.reason == reason


def test_nations_without_regions_are_their_own_feed(casework: Casework,
                                                    areas: AreaTaxonomy) -> None:
    alert = _build(casework, areas, area_code="uk.sct.police_scotland.glasgow")
    assert alert.regions == ("uk.sct",)


def test_the_reporters_own_number_never_becomes_an_identifier(casework: Casework,
                                                              areas: AreaTaxonomy) -> None:
    # Given a report where the reporter's contact number was also typed as the client's
    report = make_report()
    ids = replace(report.identifiers, phones=(*report.identifiers.phones,
                                              normalise_phone("07700 900888")))
    alert = _build(casework, areas, identifiers=ids)
    # Then only the client's number is published
    assert alert.identifiers.phones == (PERPETRATOR_E164,)


def _item(alert: Alert) -> dict[str, Any]:
    return alert_to_item(alert)


def _fetch(relay: RunningRelay, region: str) -> bytes:
    response = httpx.get(f"{relay.base_url}/v1/bundles/alerts/{region}", timeout=30)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def publisher(relay: RunningRelay, paths: ConsolePaths, trust: Trust,
              casework: Casework) -> Iterator[Publisher]:
    with relay.client() as client:
        yield Publisher(load_publisher_key(paths, PASSPHRASE), trust, casework, client)


def test_publish_serves_a_bundle_the_phones_accept(
        relay: RunningRelay, publisher: Publisher, trust: Trust, casework: Casework,
        areas: AreaTaxonomy) -> None:
    # Given one live alert in the West Midlands, one expired, one past its own expiry,
    # and one elsewhere
    live = create_alert(casework, _store(casework), areas, AlertRequest(), NOW)
    expired = create_alert(casework, _store(casework), areas, AlertRequest(), NOW)
    casework.expire_alert(expired.id)
    create_alert(casework, _store(casework), areas, AlertRequest(expires_in=dt.timedelta(days=1)),
                 NOW - dt.timedelta(days=2))
    create_alert(casework, _store(casework, area_code="uk.sct.police_scotland.glasgow"), areas,
                 AlertRequest(), NOW)
    # When the region is published
    published = publish_alerts(publisher, REGION, areas, NOW)
    # Then the relay serves a bundle that verifies against the pinned root, holding only
    # the live alert of that region
    bundle = verify_bundle(_fetch(relay, REGION), trust.root, kind="alerts", name=REGION,
                           now=dt.datetime.now(dt.UTC))
    assert published.version == bundle.version == 1
    assert [a.id for a in alerts_in(bundle)] == [live.id]
    assert alerts_in(bundle)[0] == live.alert
    assert bundle.expires_at - bundle.issued_at == dt.timedelta(days=7)
    # When it is published again, Then the version goes up
    assert publish_alerts(publisher, REGION, areas, NOW).version == 2
    assert verify_bundle(_fetch(relay, REGION), trust.root, kind="alerts", name=REGION,
                         now=dt.datetime.now(dt.UTC), at_least=2).version == 2
    assert casework.published_version("alerts", REGION) == 2


def test_publish_catches_up_with_a_newer_version_on_the_relay(
        relay: RunningRelay, paths: ConsolePaths, publisher: Publisher, casework: Casework,
        areas: AreaTaxonomy) -> None:
    # Given the relay holds version 5, which this casework store never recorded
    key = load_publisher_key(paths, PASSPHRASE)
    with relay.client() as client:
        client.put_bundle("alerts", REGION, sign_bundle(
            "alerts", REGION, 5, [], issued_at=NOW, expires_at=NOW + dt.timedelta(days=1),
            key=key))
    # When the console publishes, Then it signs version 6 instead of failing
    published = publish_alerts(publisher, REGION, areas, NOW)
    assert published.version == 6
    assert casework.published_version("alerts", REGION) == 6


def test_only_feed_regions_are_published(publisher: Publisher, areas: AreaTaxonomy) -> None:
    for code in ("uk.eng.wm.wmp.birmingham", "uk", "uk.eng", "nowhere"):
        with pytest.raises(RegionError):
            publish_alerts(publisher, code, areas, NOW)
