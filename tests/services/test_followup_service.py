"""FollowupService on a real vault, with a relay that answers from memory: what is kept,
what is skipped, what is forgotten."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.followup import FollowupService
from app.vault.followups import FollowupStore
from app.vault.vault import Vault
from sync.errors import RelayAnswerError, RelayUnreachableError
from sync.protocol.followup import (
    Reply,
    ReplyKind,
    mailbox_token,
    new_receipt_code,
    reply_keys,
    seal_reply,
)

DAY = dt.date(2026, 11, 22)


class MemoryRelay:
    """``RelayApi.replies`` from a dict; a token mapped to an exception raises it."""

    def __init__(self) -> None:
        self.mailboxes: dict[str, list[tuple[str, bytes, str]] | Exception] = {}
        self.asked: list[str] = []

    def replies(self, token: str) -> list[tuple[str, bytes, str]]:
        self.asked.append(token)
        held = self.mailboxes.get(token, [])
        if isinstance(held, Exception):
            raise held
        return held

    def leave(self, public_bytes: bytes, reply_id: str, text: str) -> None:
        token = mailbox_token(public_bytes)
        sealed = seal_reply(Reply(ReplyKind.QUESTION, text, DAY), public_bytes)
        box = self.mailboxes.setdefault(token, [])
        assert isinstance(box, list)
        box.append((reply_id, sealed, DAY.isoformat()))


@pytest.fixture
def service(vault: Vault) -> FollowupService:
    return FollowupService(FollowupStore(vault))


def _fetch(service: FollowupService, relay: MemoryRelay) -> int:
    return service.fetch(relay)  # type: ignore[arg-type]


def _code_for_report(service: FollowupService, report_id: str) -> bytes:
    return service.for_report(report_id).public_key


def test_a_report_keeps_one_code_however_often_it_is_asked_for(
        service: FollowupService) -> None:
    first = service.for_report("r1")
    again = service.for_report("r1")
    assert first == again
    assert service.code_of("r1") == first.code
    assert reply_keys(first.code).public_bytes == first.public_key


def test_a_one_time_code_leaves_nothing_on_the_phone(service: FollowupService,
                                                     vault: Vault) -> None:
    receipt = FollowupService.one_time()
    assert reply_keys(receipt.code).public_bytes == receipt.public_key
    with vault.connection() as conn:
        assert conn.execute("SELECT COUNT(*) FROM followups").fetchone()[0] == 0


def test_replies_are_kept_once_and_what_does_not_open_is_skipped(
        service: FollowupService) -> None:
    # Given a mailbox with a real reply, a forgery sealed to another key, and garbage
    public = _code_for_report(service, "r1")
    relay = MemoryRelay()
    relay.leave(public, "good", "Are you safe?")
    token = mailbox_token(public)
    stranger = reply_keys(new_receipt_code()).public_bytes
    box = relay.mailboxes[token]
    assert isinstance(box, list)
    box.append(("forged", seal_reply(Reply(ReplyKind.OTHER, "x", DAY), stranger), "2026-11-22"))
    box.append(("garbage", b"\x00" * 100, "2026-11-22"))
    # When the phone fetches twice
    assert _fetch(service, relay) == 1
    assert _fetch(service, relay) == 0
    # Then only the real reply is kept, once, unseen until shown
    [reply] = service.replies_for_report("r1")
    assert (reply.id, reply.kind, reply.body, reply.sent_day) == ("good", "question",
                                                                 "Are you safe?", DAY)
    assert service.unseen_count() == 1
    assert service.take_unseen() == {"good"}
    assert service.unseen_count() == 0


def test_one_mailbox_answered_strangely_does_not_stop_the_others(
        service: FollowupService) -> None:
    first, second = _code_for_report(service, "r1"), _code_for_report(service, "r2")
    relay = MemoryRelay()
    relay.mailboxes[mailbox_token(first)] = RelayAnswerError("not in the shape")
    relay.leave(second, "reply-2", "Your warning is out.")
    assert _fetch(service, relay) == 1
    assert [r.body for r in service.replies_for_report("r2")] == ["Your warning is out."]


def test_no_connection_ends_the_pass(service: FollowupService) -> None:
    first = _code_for_report(service, "r1")
    _code_for_report(service, "r2")
    relay = MemoryRelay()
    relay.mailboxes[mailbox_token(first)] = RelayUnreachableError("ConnectError")
    with pytest.raises(RelayUnreachableError):
        _fetch(service, relay)
    assert len(relay.asked) == 1


def test_a_code_from_elsewhere_is_read_however_typed_and_can_be_removed(
        service: FollowupService) -> None:
    # Given a code typed in lower case with spaces, and a reply waiting for it
    code = new_receipt_code()
    keys = reply_keys(code)
    shown = service.add_code(code.lower().replace("-", " "))
    relay = MemoryRelay()
    relay.leave(keys.public_bytes, "for-the-code", "We can help.")
    _fetch(service, relay)
    # Then it is listed with its reply
    [held] = service.codes_from_elsewhere()
    assert (shown, held.receipt_code, held.report_id) == (code, code, None)
    assert [r.body for r in service.replies_for_token(keys.token)] == ["We can help."]
    # When it is removed, the code and its replies are gone
    service.forget_code(keys.token)
    assert service.codes_from_elsewhere() == []
    assert service.replies_for_token(keys.token) == []


def test_removing_a_code_never_touches_a_reports_own(service: FollowupService) -> None:
    public = _code_for_report(service, "r1")
    service.forget_code(mailbox_token(public))
    assert service.code_of("r1") is not None


def test_deleting_a_report_forgets_its_code_and_replies(service: FollowupService) -> None:
    public = _code_for_report(service, "r1")
    relay = MemoryRelay()
    relay.leave(public, "r1-reply", "Hello")
    _fetch(service, relay)
    service.forget_report("r1")
    assert service.code_of("r1") is None
    assert service.replies_for_token(mailbox_token(public)) == []
