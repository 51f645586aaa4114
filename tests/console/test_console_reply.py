"""``brolly console reply`` and ``reply-log`` against a real relay on 127.0.0.1: the reply is
sealed to the case's reply key, left under its mailbox token, logged; refusals change
nothing."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from server_stub.console.casework import Casework
from server_stub.console.keys import ConsolePaths, load_report_key
from server_stub.console.pull import pull
from sync.protocol.followup import (
    MAX_REPLIES_PER_MAILBOX,
    MAX_REPLY_CHARS,
    Reply,
    ReplyKind,
    new_receipt_code,
    open_reply,
    reply_keys,
    seal_reply,
)
from tests.console.conftest import PASSPHRASE, RunningRelay

ANSWER = "We read your report. We can meet you this week; call 0121 000 0000."
KEYS = reply_keys(new_receipt_code())
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(console: Run, monkeypatch: pytest.MonkeyPatch, relay: RunningRelay) -> Run:
    """One console command in-process, against the test relay; (exit code, out, err)."""
    monkeypatch.setenv("BROLLY_RELAY_URL", relay.base_url)
    monkeypatch.setenv("BROLLY_ORG_TOKEN", relay.token)
    return console


def _case(relay: RunningRelay, paths: ConsolePaths, report_bytes: bytes,
          reply_public_key: bytes | None = KEYS.public_bytes) -> str:
    relay.submit(report_bytes, reply_public_key=reply_public_key)
    with Casework.open(paths.casework, PASSPHRASE) as casework, relay.client() as client:
        [case_id] = pull(client, casework, load_report_key(paths, PASSPHRASE)).stored
    return case_id


def _mailbox(relay: RunningRelay) -> list[dict[str, str]]:
    answer = httpx.get(f"{relay.base_url}/v1/replies/{KEYS.token}", timeout=30)
    assert answer.status_code == 200
    return list(answer.json()["replies"])


def _logged(paths: ConsolePaths, case_id: str) -> list[tuple[str, str, str]]:
    with Casework.open(paths.casework, PASSPHRASE) as casework:
        return [(r.kind, r.body, r.operator) for r in casework.replies(case_id)]


def test_a_reply_is_sealed_to_the_case_left_in_its_mailbox_and_logged(
        run: Run, relay: RunningRelay, paths: ConsolePaths, report_bytes: bytes) -> None:
    # Given a case that came with a reply key
    case_id = _case(relay, paths, report_bytes)
    # When a support worker replies
    code, _out, err = run("reply", case_id, "--kind", "support_offered", "--text", ANSWER,
                          "--by", "Support worker")
    # Then it is on the relay under the mailbox token, and only the code's key opens it
    assert code == 0, err
    assert "waiting for the person" in err
    [left] = _mailbox(relay)
    reply = open_reply(base64.b64decode(left["sealed"]), KEYS.private_bytes)
    assert (reply.kind, reply.text) == (ReplyKind.SUPPORT_OFFERED, ANSWER)
    assert reply.sent_day == dt.datetime.now(dt.UTC).date()
    # And the casework logs who sent what, under the relay's id
    with Casework.open(paths.casework, PASSPHRASE) as casework:
        [sent] = casework.replies(case_id)
    assert (sent.id, sent.kind, sent.body, sent.operator) == (
        left["id"], "support_offered", ANSWER, "Support worker")
    # And reply-log shows it
    code, out, _err = run("reply-log", case_id)
    assert code == 0
    assert "Support worker" in out
    assert ANSWER in out


def test_the_text_can_come_from_a_file(run: Run, relay: RunningRelay, paths: ConsolePaths,
                                       report_bytes: bytes, tmp_path: Path) -> None:
    case_id = _case(relay, paths, report_bytes)
    letter = tmp_path / "reply.txt"
    letter.write_text("Your warning is out in Birmingham.\nThank you for telling us.\n",
                      encoding="utf-8")
    assert run("reply", case_id, "--kind", "alert_published", "--text-file", str(letter),
               "--by", "Caseworker")[0] == 0
    [left] = _mailbox(relay)
    reply = open_reply(base64.b64decode(left["sealed"]), KEYS.private_bytes)
    assert reply.text == "Your warning is out in Birmingham.\nThank you for telling us."


def test_a_case_without_a_reply_key_is_refused_clearly(
        run: Run, relay: RunningRelay, paths: ConsolePaths, report_bytes: bytes) -> None:
    case_id = _case(relay, paths, report_bytes, reply_public_key=None)
    code, _out, err = run("reply", case_id, "--kind", "question", "--text", "Are you safe?",
                          "--by", "Support worker")
    assert code != 0
    assert "without a reply key" in err
    assert _logged(paths, case_id) == []


@pytest.mark.parametrize(("argv", "message"), [
    (["--kind", "question", "--by", "A"], "--text or --text-file"),
    (["--kind", "question", "--text", "Hi", "--text-file", "x.txt", "--by", "A"],
     "--text or --text-file"),
    (["--kind", "question", "--text", "   ", "--by", "A"], "1 to 2000 characters"),
    (["--kind", "question", "--text", "x" * (MAX_REPLY_CHARS + 1), "--by", "A"],
     "1 to 2000 characters"),
    (["--kind", "question", "--text", "Hi"], "--by NAME"),
    (["--kind", "question", "--text-file", "/nonexistent/reply.txt", "--by", "A"],
     "Could not read"),
])
def test_a_reply_that_cannot_be_sent_sends_and_logs_nothing(
        run: Run, relay: RunningRelay, paths: ConsolePaths, report_bytes: bytes,
        argv: list[str], message: str) -> None:
    case_id = _case(relay, paths, report_bytes)
    code, _out, err = run("reply", case_id, *argv)
    assert code != 0
    assert message in err
    assert _mailbox(relay) == []
    assert _logged(paths, case_id) == []


def test_an_unknown_kind_or_case_is_refused(run: Run, relay: RunningRelay) -> None:
    with pytest.raises(SystemExit):
        run("reply", "c123", "--kind", "threat", "--text", "Hi", "--by", "A")
    code, _out, err = run("reply", "cdoesnotexist", "--kind", "question", "--text", "Hi",
                          "--by", "A")
    assert code != 0
    assert "nothing with that id" in err


def test_a_full_mailbox_is_explained_and_nothing_is_logged(
        run: Run, relay: RunningRelay, paths: ConsolePaths, report_bytes: bytes) -> None:
    # Given a mailbox that already holds as many replies as the relay keeps
    case_id = _case(relay, paths, report_bytes)
    sealed = seal_reply(Reply(ReplyKind.OTHER, "Hello", dt.date(2026, 11, 22)),
                        KEYS.public_bytes)
    for _ in range(MAX_REPLIES_PER_MAILBOX):
        relay.storage.put_reply(KEYS.token, sealed, dt.date(2026, 11, 22))
    # When one more is sent
    code, _out, err = run("reply", case_id, "--kind", "question", "--text", "Are you safe?",
                          "--by", "Support worker")
    # Then the worker learns why, and the log holds nothing that was not delivered
    assert code != 0
    assert "mailbox already holds" in err
    assert _logged(paths, case_id) == []


def test_an_unreachable_relay_logs_nothing(
        run: Run, relay: RunningRelay, paths: ConsolePaths, report_bytes: bytes) -> None:
    case_id = _case(relay, paths, report_bytes)
    code, _out, err = run("reply", case_id, "--kind", "question", "--text", "Are you safe?",
                          "--by", "Support worker", "--relay", "http://127.0.0.1:9")
    assert code != 0
    assert "did not answer" in err
    assert _logged(paths, case_id) == []


def test_reply_log_of_a_case_with_no_replies(run: Run, relay: RunningRelay,
                                             paths: ConsolePaths, report_bytes: bytes) -> None:
    case_id = _case(relay, paths, report_bytes)
    code, out, err = run("reply-log", case_id)
    assert (code, out) == (0, "")
    assert "No reply has been sent" in err
