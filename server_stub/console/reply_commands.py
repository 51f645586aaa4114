"""`brolly console reply` and `reply-log`: answer a reporter through their anonymous
mailbox, and see what was sent.

The reply is sealed here to the reply key that came inside the report, and left on the
relay under the mailbox token (a hash of that key). The relay sees neither the words nor
the case. It does see when a reply arrives: replying some time after pulling, several
replies at once, keeps that from pointing at the report just pulled (PROTOCOL.md §13).
"""

from __future__ import annotations

import argparse

from server_stub.console import terminal as term
from server_stub.console.casework import Casework, SentReply
from server_stub.console.commands import _now, _open_casework, guarded
from server_stub.console.errors import RelayRefusedError
from server_stub.console.keys import ConsolePaths
from server_stub.console.relay_client import OrgRelayClient
from server_stub.console.report_view import safe
from server_stub.console.terminal import _, say, show
from sync.protocol.followup import (
    MAX_REPLIES_PER_MAILBOX,
    MAX_REPLY_CHARS,
    FollowupError,
    Reply,
    ReplyKind,
    mailbox_token,
    seal_reply,
)

KIND_HELP = {
    ReplyKind.SUPPORT_OFFERED: "support offered", ReplyKind.QUESTION: "a question",
    ReplyKind.ALERT_PUBLISHED: "your alert is out", ReplyKind.OTHER: "anything else",
}


@guarded
def run_reply(args: argparse.Namespace) -> int:
    reply = _reply(args)
    operator = (args.by or "").strip()
    if reply is None:
        return term.EXIT_USAGE
    if not operator:
        say(_("Say who is replying with --by NAME: every reply is logged."))
        return term.EXIT_USAGE
    paths = ConsolePaths(term.console_dir(args))
    config, token = term.relay_config(args), term.org_token(args)
    with Casework.open(paths.casework, term.read_passphrase()) as casework:
        case = casework.case(args.case_id)
        if case.reply_public_key is None:
            say(_("This report came without a reply key: the person did not ask for "
                  "replies, so there is no way to reach them through Brolly."))
            return term.EXIT_REFUSED
        sealed = seal_reply(reply, case.reply_public_key)
        try:
            with OrgRelayClient.connect(config, token) as client:
                reply_id = client.put_reply(mailbox_token(case.reply_public_key), sealed)
        except RelayRefusedError as exc:
            if exc.code != "mailbox_full":
                raise
            say(_("This person's mailbox already holds %(count)d replies that have not yet "
                  "expired. Nothing was sent.") % {"count": MAX_REPLIES_PER_MAILBOX})
            return term.EXIT_REFUSED
        casework.record_reply(SentReply(reply_id, case.id, reply.kind.value, reply.text,
                                        _now(), operator))
    say(_("The reply is waiting for the person in Brolly. The relay deletes it after its "
          "retention period (180 days unless the relay is set otherwise)."))
    return term.EXIT_OK


@guarded
def run_reply_log(args: argparse.Namespace) -> int:
    with _open_casework(args) as casework:
        sent = casework.replies(casework.case(args.case_id).id)
    if not sent:
        say(_("No reply has been sent for this report."))
    for entry in sent:
        show(_("%(when)s  by %(who)s  %(kind)s  (relay id %(id)s)") % {
            "when": entry.sent_at.isoformat(timespec="seconds"), "who": safe(entry.operator),
            "kind": entry.kind, "id": entry.id})
        show("    " + safe(entry.body, keep_newlines=True).replace("\n", "\n    "))
    return term.EXIT_OK


def _reply(args: argparse.Namespace) -> Reply | None:
    text = _text(args)
    if text is None:
        return None
    try:
        return Reply(ReplyKind(args.kind), text, _now().date())
    except FollowupError:
        say(_("A reply needs 1 to %(max)d characters.") % {"max": MAX_REPLY_CHARS})
        return None


def _text(args: argparse.Namespace) -> str | None:
    if (args.text is None) == (args.text_file is None):
        say(_("Give the reply with --text or --text-file (one of them)."))
        return None
    if args.text is not None:
        return str(args.text)
    try:
        return str(args.text_file.read_text(encoding="utf-8")).strip()
    except (OSError, UnicodeDecodeError):
        say(_("Could not read %(file)s as text.") % {"file": args.text_file})
        return None
