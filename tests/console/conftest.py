"""Fixtures for the console tests: an initialised console directory, sample reports, and a
real relay (the relay's own app under uvicorn, in a thread, on 127.0.0.1) that trusts the
console's root.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from app.core.areas import AreaTaxonomy
from app.core.identifiers import Handle, normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle, Wishes
from app.core.report_codec import report_to_bytes
from app.core.vocab import (
    AgeRange,
    Build,
    ContactMethod,
    Gender,
    Height,
    IncidentType,
    PlaceType,
    TimeOfDay,
)
from app.vault.kdf import KdfParams
from server_stub.console.casework import Casework
from server_stub.console.cli import main
from server_stub.console.keys import ConsolePaths, init_keys, load_trust_file
from server_stub.console.keystore import Passphrase
from server_stub.console.relay_client import OrgRelayClient, OrgToken, RelayClientConfig
from server_stub.relay.app import create_app
from server_stub.relay.config import RateLimit, RelayConfig
from server_stub.relay.server import uvicorn_config
from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token
from sync.protocol import pow as protocol_pow
from sync.protocol.envelope import ReportPublicKey, new_idempotency_key, seal_report
from sync.protocol.messages import ReportSubmission
from sync.protocol.trust import Trust

PASSPHRASE = Passphrase("brolly console test passphrase")
NARRATIVE_MARKER = "NARRATIVE-7f3a"
REPORTER_NAME = "Jasmine"
REPORTER_NUMBER = "07700 900888"
PERPETRATOR_E164 = "+447700900123"
GENEROUS = RateLimit(100_000, 60)


def make_report(**changes: Any) -> Report:
    """A complete report whose every field is filled, with markers tests search for."""
    report = Report(
        date=dt.date(2026, 11, 1), time_of_day=TimeOfDay.EVENING,
        area_code="uk.eng.wm.wmp.birmingham", place_type=PlaceType.HOTEL,
        incident_types=(IncidentType.PHYSICAL_ASSAULT, IncidentType.THREATS),
        perpetrator=Perpetrator(people_count=1, gender=Gender.MAN, age_range=AgeRange.AGE_35_44,
                                height=Height.TALL, build=Build.HEAVY, hair="short grey",
                                features="tattoo of a swallow on the left hand",
                                names_used=("Dave",)),
        contact_method=ContactMethod.PHONE_TEXT, contact_detail="texted me first",
        identifiers=Identifiers(
            phones=(normalise_phone("07700 900123"), normalise_phone("12345")),
            emails=(" Bad.Guy@Example.COM ",),
            handles=(Handle(platform="AdultWork", handle="@BadGuy99"),),
            advert_links=("https://example.com/my-own-advert",),
            vehicles=(Vehicle(make="Ford", model="Focus", colour="silver",
                              registration="ab12 cde"),)),
        narrative=f"{NARRATIVE_MARKER} he grabbed my wrist at the hotel; call me on "
                  f"07700 900999 or jas@example.net",
        wishes=Wishes(warn_others=True, support_contact=True,
                      contact=f"{REPORTER_NAME} {REPORTER_NUMBER}"),
    )
    return replace(report, **changes)


@pytest.fixture(scope="session")
def areas() -> AreaTaxonomy:
    return AreaTaxonomy.load()


@pytest.fixture
def paths(tmp_path: Path, fast_kdf: KdfParams) -> ConsolePaths:
    """A console directory after ``keys init`` (fast KDF), with an empty casework store."""
    console = ConsolePaths(tmp_path / "console")
    init_keys(console, PASSPHRASE, params=fast_kdf)
    Casework.create(console.casework, PASSPHRASE, params=fast_kdf).close()
    return console


@pytest.fixture
def trust(paths: ConsolePaths) -> Trust:
    return load_trust_file(paths)


@pytest.fixture
def casework(paths: ConsolePaths) -> Iterator[Casework]:
    with Casework.open(paths.casework, PASSPHRASE) as store:
        yield store


@pytest.fixture
def feed_stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the next CLI call read ``text`` as its standard input (not a terminal)."""
    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return feed


ConsoleRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def console(capsys: pytest.CaptureFixture[str], feed_stdin: Callable[[str], None],
            monkeypatch: pytest.MonkeyPatch, fast_kdf: KdfParams,
            paths: ConsolePaths) -> ConsoleRun:
    """One `brolly console ...` command in-process, passphrase on standard input;
    (exit code, out, err)."""
    monkeypatch.setenv("BROLLY_CONSOLE_DIR", str(paths.base))

    def invoke(*argv: str) -> tuple[int, str, str]:
        feed_stdin(PASSPHRASE + "\n")
        code = main(["console", *argv], kdf=fast_kdf)
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


# A real relay ------------------------------------------------------------------------------

@dataclass
class RunningRelay:
    """A relay on 127.0.0.1 that trusts the console's root, and a way to file reports."""

    base_url: str
    storage: Storage
    token: OrgToken
    report_key: ReportPublicKey
    server: uvicorn.Server = field(repr=False)
    thread: threading.Thread = field(repr=False)

    def client(self) -> OrgRelayClient:
        return OrgRelayClient.connect(RelayClientConfig(self.base_url, read_timeout=30),
                                      self.token)

    def submit(self, report_bytes: bytes, *, key: ReportPublicKey | None = None,
               reply_public_key: bytes | None = None) -> str:
        """File a report as the app does (challenge, proof, sealed envelope); the receipt id."""
        idempotency_key = new_idempotency_key()
        envelope = seal_report(report_bytes, key or self.report_key, idempotency_key,
                               reply_public_key)
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            challenge = http.get("/v1/pow").json()
            nonce = protocol_pow.solve(challenge["challenge"], challenge["difficulty"])
            body = ReportSubmission(idempotency_key=idempotency_key, envelope=envelope,
                                    pow_challenge=challenge["challenge"], pow_nonce=nonce)
            response = http.post("/v1/reports", json=body.to_json())
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def pending_ids(self) -> list[str]:
        return [p.id for p in self.storage.pending_envelopes(after=None, limit=1000)]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.storage.close()


def _start_relay(tmp_path: Path, paths: ConsolePaths) -> RunningRelay:
    db_url = f"sqlite:///{tmp_path / 'relay.db'}"
    config = RelayConfig(root_path=paths.root, db_url=db_url, pow_difficulty=1,
                         rate_limits=dict.fromkeys(RelayConfig(root_path=Path()).rate_limits,
                                                   GENEROUS))
    storage = Storage.open(db_url)
    app = create_app(config, storage=storage)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0, configure_logging=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the relay did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    token = OrgToken(add_org_token(storage, "console"))
    return RunningRelay(f"http://127.0.0.1:{port}", storage, token,
                        load_trust_file(paths).report_public_key, server, thread)


@pytest.fixture
def relay(tmp_path: Path, paths: ConsolePaths) -> Iterator[RunningRelay]:
    """The real relay, trusting the console's root, with an organisation token."""
    running = _start_relay(tmp_path, paths)
    yield running
    running.stop()


@pytest.fixture
def report_bytes() -> bytes:
    return report_to_bytes(make_report())
