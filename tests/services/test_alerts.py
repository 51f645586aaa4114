"""Alerts and checks read from the verified cache, with stale or missing data always said."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.services.alerts import STALE_AFTER, AlertsService, for_areas
from app.vault.feeds import FeedStore
from app.vault.vault import Vault
from tests.trustkit import TrustKit, make_alert

WM = "uk.eng.wm"


def test_missing_data_is_never_a_clean_no_warning(vault: Vault) -> None:
    kit = TrustKit()
    service = AlertsService(FeedStore(vault), kit.root)
    result = service.check("07700 900123", [WM])
    assert not result.found
    assert not result.freshness.complete
    assert result.freshness.data_as_of is None


def test_a_fresh_feed_answers_checks(vault: Vault) -> None:
    kit, feeds = TrustKit(), FeedStore(vault)
    feeds.put("alerts", WM, 1, kit.alerts_bundle(WM, 1, [make_alert(phones=("+447700900123",))]),
              etag=None)
    result = AlertsService(feeds, kit.root).check("07700 900123", [WM])
    assert result.found
    assert result.freshness.complete


def test_a_feed_not_confirmed_for_long_is_stale(vault: Vault) -> None:
    kit, feeds = TrustKit(), FeedStore(vault)
    long_ago = datetime.now(UTC) - STALE_AFTER - timedelta(hours=1)
    feeds.put("alerts", WM, 1, kit.alerts_bundle(WM, 1, [make_alert()]), etag=None,
              fetched_at=long_ago)
    snapshot = AlertsService(feeds, kit.root).snapshot([WM])
    assert len(snapshot.alerts) == 1
    assert not snapshot.freshness.complete
    assert snapshot.freshness.data_as_of == long_ago


def test_an_expired_feed_still_shows_its_alerts_flagged_as_stale(vault: Vault) -> None:
    kit, feeds = TrustKit(), FeedStore(vault)
    later = datetime.now(UTC) + timedelta(days=8)
    feeds.put("alerts", WM, 1, kit.alerts_bundle(WM, 1, [make_alert(phones=("+447700900123",))]),
              etag=None)
    service = AlertsService(feeds, kit.root, clock=lambda: later)
    result = service.check("07700 900123", [WM])
    assert result.found
    assert not result.freshness.complete


def test_a_new_version_is_picked_up(vault: Vault) -> None:
    kit, feeds = TrustKit(), FeedStore(vault)
    service = AlertsService(feeds, kit.root)
    feeds.put("alerts", WM, 1, kit.alerts_bundle(WM, 1, []), etag=None)
    assert not service.check("AB12CDE", [WM]).found
    feeds.put("alerts", WM, 2, kit.alerts_bundle(WM, 2, [make_alert(registrations=("AB12CDE",))]),
              etag=None)
    assert service.check("AB12CDE", [WM]).found


def test_alerts_for_my_areas_include_wider_and_narrower_ones() -> None:
    town = make_alert(area="uk.eng.wm.wmp.birmingham", alert_id="town")
    force = make_alert(area="uk.eng.wm.wmp", alert_id="force")
    elsewhere = make_alert(area="uk.eng.wm.wmp.coventry", alert_id="elsewhere")
    mine = for_areas([town, force, elsewhere], ["uk.eng.wm.wmp.birmingham"])
    assert [a.id for a in mine] == ["town", "force"]
