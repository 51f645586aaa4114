"""Made-up alerts, as varied as real ones so that compression and lookups are not flattered.

Identifiers are random (a real list shares almost none), and summaries are words drawn
with their frequencies in this repository's own documentation, 12 to 40 of them: about
what a redacted warning says, and about as compressible as English prose. Every alert
is marked DEMO. Seeded: two runs make the same alerts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.alert import Alert, Handle, Identifiers, alert_to_item
from sync.protocol.bundle import sign_bundle

REPO = Path(__file__).resolve().parents[1]
REGION = "uk.eng.wm"
AREA = "uk.eng.wm.wmp.birmingham"
INCIDENTS = ("threats", "robbery", "physical_assault", "refused_payment", "stealthing")
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"


@cache
def _vocabulary() -> tuple[list[str], list[int]]:
    text = " ".join(p.read_text(encoding="utf-8") for p in
                    sorted((REPO / "docs").glob("*.md")) + [REPO / "README.md"])
    counts = Counter(w.lower() for w in re.findall(r"[A-Za-z]{2,}", text))
    words = sorted(counts)
    return words, [counts[w] for w in words]


def summary(rng: random.Random) -> str:
    words, weights = _vocabulary()
    chosen = rng.choices(words, weights, k=rng.randint(12, 40))
    return "DEMO: " + " ".join(chosen).capitalize() + "."


def phone(rng: random.Random) -> str:
    return f"+447{rng.randrange(10**9):09d}"


def plate(rng: random.Random) -> str:
    """A current-style UK registration: two letters, two digits, three letters."""
    letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(5))
    return f"{letters[:2]}{rng.randrange(10, 100)}{letters[2:]}"


def alerts(count: int, *, seed: int = 0, region: str = REGION, phones: int = 0
           ) -> list[Alert]:
    """``count`` alerts, each with ``phones`` phone numbers (0: one or two at random), a
    plate and a handle."""
    rng = random.Random(seed)
    expires = datetime.now(UTC) + timedelta(days=90)
    made = []
    for _ in range(count):
        made.append(Alert(
            id=f"{rng.getrandbits(64):016x}", regions=(region,), areas=(AREA,),
            date=dt.date(2026, 11, 1) - dt.timedelta(days=rng.randrange(300)),
            incident_types=tuple(sorted(rng.sample(INCIDENTS, rng.randint(1, 2)))),
            summary=summary(rng),
            identifiers=Identifiers(
                phones=tuple(phone(rng) for _ in range(phones or rng.choice((1, 1, 2)))),
                registrations=(plate(rng),),
                handles=(Handle("adultwork", f"user{rng.randrange(10**7)}"),)),
            severity=rng.choice(["high", "medium"]), expires_at=expires))
    return made


def bundle(publisher: Ed25519PrivateKey, region: str, version: int,
           items: list[Alert]) -> bytes:
    """A signed alerts bundle, as `brolly console publish` makes one."""
    issued = datetime.now(UTC) - timedelta(minutes=1)
    return sign_bundle("alerts", region, version, [alert_to_item(a) for a in items],
                       issued_at=issued, expires_at=issued + timedelta(days=7), key=publisher)
