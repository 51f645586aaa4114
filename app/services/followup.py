"""Anonymous follow-up on the phone: a receipt code for each report sent, and the replies
the organisation left for it (or for a code typed in from another phone).

A report sent from this phone keeps its receipt code and reply key in the vault. In
outreach mode the code is made for the person, shown once and kept nowhere: the key goes
into the sealed report and the code goes home with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import x25519

from app.vault.followups import Followup, FollowupStore, StoredReply
from sync.errors import RelayAnswerError
from sync.protocol.followup import (
    FollowupError,
    format_receipt_code,
    new_receipt_code,
    open_reply,
    reply_keys,
)
from sync.relay_api import RelayApi


@dataclass(frozen=True)
class ReceiptCode:
    code: str  # as shown: XXXX-XXXX-XXXX-XXXX
    public_key: bytes  # what goes into the sealed report


class FollowupService:
    def __init__(self, store: FollowupStore) -> None:
        self._store = store

    def for_report(self, report_id: str) -> ReceiptCode:
        """The receipt code of a report, made and kept the first time it is sent."""
        held = self._store.for_report(report_id)
        if held is not None:
            return ReceiptCode(held.receipt_code, _public(held.reply_key))
        code = new_receipt_code()
        keys = reply_keys(code)
        self._store.add(Followup(keys.token, code, keys.private_bytes, report_id))
        return ReceiptCode(code, keys.public_bytes)

    def forget_report(self, report_id: str) -> None:
        self._store.forget_report(report_id)

    @staticmethod
    def one_time() -> ReceiptCode:
        """A code for someone else (outreach): nothing of it is stored."""
        code = new_receipt_code()
        return ReceiptCode(code, reply_keys(code).public_bytes)

    def add_code(self, typed: str) -> str:
        """A code from another phone; FollowupError when it is not one. Returns it as shown."""
        code = format_receipt_code(typed)
        keys = reply_keys(code)
        self._store.add(Followup(keys.token, code, keys.private_bytes, None))
        return code

    def forget_code(self, token: str) -> None:
        """Remove a code typed in from another phone, with its replies."""
        self._store.forget_code(token)

    def codes_from_elsewhere(self) -> list[Followup]:
        return [f for f in self._store.all() if f.report_id is None]

    def code_of(self, report_id: str) -> str | None:
        held = self._store.for_report(report_id)
        return None if held is None else held.receipt_code

    def replies_for_report(self, report_id: str) -> list[StoredReply]:
        held = self._store.for_report(report_id)
        return [] if held is None else self._store.replies(held.token)

    def replies_for_token(self, token: str) -> list[StoredReply]:
        return self._store.replies(token)

    def unseen_count(self) -> int:
        return sum(1 for r in self._store.replies() if not r.seen)

    def take_unseen(self) -> set[str]:
        """The ids of replies not yet seen, marking them seen."""
        unseen = {r.id for r in self._store.replies() if not r.seen}
        for token in {r.token for r in self._store.replies() if r.id in unseen}:
            self._store.mark_seen(token)
        return unseen

    def fetch(self, api: RelayApi) -> int:
        """Collect new replies from every mailbox; returns how many arrived. A reply that
        does not open with its mailbox's key is left out (nobody else can make one), and
        a mailbox the relay answers strangely waits for the next pass; no connection at
        all (RelayUnreachableError) ends this one."""
        new = 0
        for followup in self._store.all():
            try:
                sealed_replies = api.replies(followup.token)
            except RelayAnswerError:
                continue
            for reply_id, sealed, _day in sealed_replies:
                new += self._keep(followup, reply_id, sealed)
        return new

    def _keep(self, followup: Followup, reply_id: str, sealed: bytes) -> int:
        try:
            reply = open_reply(sealed, followup.reply_key)
        except FollowupError:
            return 0
        return int(self._store.add_reply(reply_id, followup.token, reply.kind.value,
                                         reply.text, reply.sent_day))


def _public(private_bytes: bytes) -> bytes:
    return x25519.X25519PrivateKey.from_private_bytes(private_bytes).public_key() \
        .public_bytes_raw()
