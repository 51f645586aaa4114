"""Pulling reports from a real relay: exact bytes stored, acknowledged only after the commit,
never lost, never stored twice, undecryptable envelopes kept on the relay."""

from __future__ import annotations

import os

import pytest

from app.core.report_codec import report_to_bytes
from server_stub.console.casework import CaseStatus, Casework
from server_stub.console.errors import RelayUnreachableError
from server_stub.console.keys import ConsolePaths, load_report_key
from server_stub.console.pull import FailureReason, pull
from server_stub.console.relay_client import OrgRelayClient
from sync.protocol.envelope import generate_report_keypair
from tests.console.conftest import PASSPHRASE, RunningRelay, make_report


def _pull(relay: RunningRelay, paths: ConsolePaths, casework: Casework, **options: int):
    with relay.client() as client:
        return pull(client, casework, load_report_key(paths, PASSPHRASE), **options)


def test_round_trip_stores_the_exact_bytes_and_empties_the_relay(
        relay: RunningRelay, paths: ConsolePaths, casework: Casework, report_bytes: bytes) -> None:
    # Given a report sealed on the "phone" and accepted by the relay, with a reply key
    reply_key = os.urandom(32)
    receipt = relay.submit(report_bytes, reply_public_key=reply_key)
    assert relay.pending_ids() == [receipt]
    # When the console pulls
    result = _pull(relay, paths, casework)
    # Then the casework holds exactly the canonical bytes, under the relay's receipt id
    assert result.complete
    assert len(result.stored) == 1
    assert result.acknowledged == 1
    (case,) = casework.cases()
    assert case.report_bytes == report_bytes
    assert case.relay_id == receipt
    assert case.reply_public_key == reply_key
    assert case.status is CaseStatus.NEW
    assert case.report() == make_report()
    # And the relay holds no pending envelope any more
    assert relay.pending_ids() == []


def test_pulling_twice_stores_once(relay: RunningRelay, paths: ConsolePaths,
                                   casework: Casework, report_bytes: bytes) -> None:
    # Given one report pulled already
    relay.submit(report_bytes)
    _pull(relay, paths, casework)
    # When the console pulls again
    again = _pull(relay, paths, casework)
    # Then nothing new is stored or acknowledged
    assert again.stored == ()
    assert again.acknowledged == 0
    assert again.complete
    assert len(casework.cases()) == 1


def test_a_crash_between_store_and_ack_loses_nothing_and_duplicates_nothing(
        relay: RunningRelay, paths: ConsolePaths, casework: Casework, report_bytes: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a report on the relay, and an acknowledgement that never arrives
    receipt = relay.submit(report_bytes)

    def lost(self: OrgRelayClient, ids: object) -> int:
        raise RelayUnreachableError("connection dropped")

    with monkeypatch.context() as patch:
        patch.setattr(OrgRelayClient, "acknowledge", lost)
        first = _pull(relay, paths, casework)
    # Then the case is committed, the pull says it did not finish, the relay still holds it
    assert len(first.stored) == 1
    assert not first.complete
    assert relay.pending_ids() == [receipt]
    # When the console pulls again
    second = _pull(relay, paths, casework)
    # Then nothing new is stored, the envelope is recognised and acknowledged
    assert second.stored == ()
    assert second.already_held == 1
    assert second.acknowledged == 1
    assert relay.pending_ids() == []
    assert [c.relay_id for c in casework.cases()] == [receipt]


def test_envelopes_that_do_not_open_are_reported_and_stay_on_the_relay(
        relay: RunningRelay, paths: ConsolePaths, casework: Casework, report_bytes: bytes) -> None:
    # Given one report for us and one sealed to a stranger's key
    _other_private, other_public = generate_report_keypair()
    stranger = relay.submit(report_bytes, key=other_public)
    ours = relay.submit(report_to_bytes(make_report(narrative="second")))
    # When the console pulls
    result = _pull(relay, paths, casework)
    # Then ours is stored and acknowledged; the stranger's is named, kept and not acknowledged
    assert len(result.stored) == 1
    assert result.acknowledged == 1
    assert [(f.relay_id, f.reason) for f in result.failed] == [
        (stranger, FailureReason.DOES_NOT_OPEN)]
    assert relay.pending_ids() == [stranger]
    assert [c.relay_id for c in casework.cases()] == [ours]


def test_bytes_that_are_not_a_report_are_not_acknowledged(
        relay: RunningRelay, paths: ConsolePaths, casework: Casework) -> None:
    # Given an envelope that opens but holds something other than a report
    receipt = relay.submit(b'{"not":"a report"}')
    # When the console pulls
    result = _pull(relay, paths, casework)
    # Then it is reported and left on the relay
    assert [(f.relay_id, f.reason) for f in result.failed] == [
        (receipt, FailureReason.NOT_A_REPORT)]
    assert relay.pending_ids() == [receipt]
    assert casework.cases() == []


def test_many_reports_are_pulled_page_by_page(relay: RunningRelay, paths: ConsolePaths,
                                              casework: Casework) -> None:
    # Given five reports and pages of two
    sent = {report_to_bytes(make_report(narrative=f"report {n}")) for n in range(5)}
    for raw in sent:
        relay.submit(raw)
    # When the console pulls
    result = _pull(relay, paths, casework, page_size=2)
    # Then every report is stored once and the relay is empty
    assert len(result.stored) == 5
    assert result.acknowledged == 5
    assert {c.report_bytes for c in casework.cases()} == sent
    assert relay.pending_ids() == []
