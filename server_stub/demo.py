"""`brolly demo`: the whole system on this machine, with throwaway keys and DEMO data.

1. An organisation: keys, trust file, casework store (server_stub.console).
2. The blind relay on 127.0.0.1 with SQLite (server_stub.relay).
3. A DEMO report filed the way a phone files it (sealed, proof of work, relay), pulled by
   the console, reviewed into an alert and published, signed, with the directory.
4. The app, pinned to the demo organisation's trust file, as a local web app.

The same pieces are used by the browser tests, so what the demo shows is what is tested.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from app.core.areas import AreaTaxonomy
from app.core.identifiers import normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle
from app.core.report_codec import report_to_bytes
from app.core.vocab import IncidentType, PlaceType, TimeOfDay
from app.vault.kdf import KdfParams
from server_stub.console.alerts import AlertRequest, create_alert
from server_stub.console.casework import Casework
from server_stub.console.directory import load_directory
from server_stub.console.keys import (
    ConsolePaths,
    init_keys,
    load_publisher_key,
    load_report_key,
    load_trust_file,
)
from server_stub.console.keystore import Passphrase
from server_stub.console.publish import Publisher, publish_alerts, publish_directory
from server_stub.console.pull import pull
from server_stub.console.relay_client import OrgRelayClient, OrgToken, RelayClientConfig
from server_stub.relay.app import create_app
from server_stub.relay.config import RelayConfig
from server_stub.relay.server import uvicorn_config
from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token
from sync.protocol import pow as proof_of_work
from sync.protocol.envelope import new_idempotency_key, seal_report
from sync.protocol.messages import ReportSubmission
from sync.relay_api import RelayApi
from sync.transport import TransportConfig, make_http_client

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DEMO_PASSPHRASE = Passphrase("demo organisation passphrase")  # noqa: S105 - throwaway keys
DEMO_REGION = "uk.eng.wm"
DEMO_PHONE = "07700 900123"  # Ofcom's range for drama: never a real person's number
DEMO_PLATE = "DEM0 123"
DEMO_SUMMARY = ("DEMO alert, not a real incident: a man in a silver car took back the money "
                "and threatened a sex worker with a knife.")


@dataclass(frozen=True)
class Organisation:
    paths: ConsolePaths
    passphrase: Passphrase
    token: OrgToken
    relay_url: str
    relay_db: Path
    app_dir: Path  # the trust file and shipped directory the app is built with

    @property
    def trust_file(self) -> Path:
        return self.app_dir / "trust.json"


class RelayThread:
    """The relay in a thread of this process, stoppable and restartable on one port."""

    def __init__(self, config: RelayConfig, port: int) -> None:
        self.config = config
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        app = create_app(self.config)
        self._server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", self.port,
                                                     log_level="WARNING",
                                                     configure_logging=False))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the relay did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(15)
        self._server = self._thread = None


def make_organisation(base: Path, relay_port: int, *, kdf: KdfParams | None = None
                      ) -> tuple[Organisation, RelayThread]:
    """Throwaway keys and a relay (not yet started) that trusts them."""
    paths = ConsolePaths(base / "console")
    init_keys(paths, DEMO_PASSPHRASE, params=kdf or KdfParams())
    Casework.create(paths.casework, DEMO_PASSPHRASE, params=kdf or KdfParams()).close()
    relay_db = base / "relay.db"
    storage = Storage.open(f"sqlite:///{relay_db}")
    try:
        token = add_org_token(storage, "demo console")
    finally:
        storage.close()
    token_file = base / "console-token"
    token_file.write_text(str(token))
    token_file.chmod(0o600)
    app_dir = base / "app"
    app_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(paths.trust, app_dir / "trust.json")
    relay_url = f"http://127.0.0.1:{relay_port}"
    config = RelayConfig(root_path=paths.root, db_url=f"sqlite:///{relay_db}",
                         pow_difficulty=12, pow_secret=secrets.token_bytes(32))
    org = Organisation(paths, DEMO_PASSPHRASE, OrgToken(token), relay_url, relay_db, app_dir)
    return org, RelayThread(config, relay_port)


def file_demo_report(org: Organisation, report: Report) -> str:
    """Seal and submit a report exactly as the phone does (proof of work included)."""
    trust = load_trust_file(org.paths)
    key = new_idempotency_key()
    envelope = seal_report(report_to_bytes(report), trust.report_public_key, key)
    with make_http_client(TransportConfig(org.relay_url)) as http:
        api = RelayApi(http)
        challenge = api.challenge()
        nonce = proof_of_work.solve(challenge.challenge, challenge.difficulty)
        outcome = api.submit(ReportSubmission(key, envelope, challenge.challenge, nonce))
    if outcome.receipt is None:
        raise RuntimeError(f"the relay refused the demo report ({outcome.status})")
    return outcome.receipt.id


def review_and_publish(org: Organisation, *, summary: str = DEMO_SUMMARY,
                       now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
                       ) -> int:
    """Pull what the relay holds, turn every new case into an alert, publish the region and
    the directory (shipping a signed copy beside the trust file). Returns alerts made."""
    areas = AreaTaxonomy.load()
    client = OrgRelayClient.connect(RelayClientConfig(org.relay_url), org.token)
    made = 0
    try:
        with Casework.open(org.paths.casework, org.passphrase) as casework:
            result = pull(client, casework, load_report_key(org.paths, org.passphrase))
            for case_id in result.stored:
                create_alert(casework, case_id, areas, AlertRequest(summary=summary), now())
                made += 1
            publisher = Publisher(load_publisher_key(org.paths, org.passphrase),
                                  load_trust_file(org.paths), casework, client)
            publish_alerts(publisher, DEMO_REGION, areas, now())
            publish_directory(publisher, load_directory(ASSETS / "directory.json", areas),
                              now(), ship_dir=org.app_dir)
    finally:
        client.close()
    return made


def demo_report() -> Report:
    return Report(
        date=dt.date.today() - dt.timedelta(days=2), time_of_day=TimeOfDay.NIGHT,
        area_code="uk.eng.wm.wmp.birmingham", place_type=PlaceType.CAR,
        incident_types=(IncidentType.ROBBERY, IncidentType.THREATS, IncidentType.WEAPON),
        perpetrator=Perpetrator(people_count=1),
        identifiers=Identifiers(phones=(normalise_phone(DEMO_PHONE),),
                                vehicles=(Vehicle(make="DEMO", colour="silver",
                                                  registration=DEMO_PLATE),)),
        narrative="DEMO report. Nothing here happened.")


def run_demo(base: Path, say: Callable[[str], None], *, app_port: int = 8550,
             relay_port: int = 8080, with_app: bool = True) -> int:
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    say("Making a throwaway organisation (keys, trust file, casework store)…")
    org, relay = make_organisation(base, relay_port)
    relay.start()
    try:
        say(f"Relay running at {org.relay_url} (SQLite: {org.relay_db}).")
        file_demo_report(org, demo_report())
        say("Filed a DEMO report through the relay; the console pulled it, made it an alert "
            "and published it, signed, with the support directory.")
        review_and_publish(org)
        if not with_app:
            _ping(org.relay_url)
            return 0
        _walkthrough(say, app_port, org)
        from app.config import AppConfig
        from app.ui.main import run

        run(AppConfig(data_dir=base / "phone", relay_url=org.relay_url,
                      trust_file=org.trust_file), port=app_port)
    finally:
        relay.stop()
    return 0


def _walkthrough(say: Callable[[str], None], port: int, org: Organisation) -> None:
    say(f"\nOpen http://127.0.0.1:{port}/ in a browser (a phone-sized window works best).")
    say("  1. Create a passcode and choose Birmingham as where you work.")
    say(f"  2. Check a number: {DEMO_PHONE} shows the DEMO warning; 07700 900999 shows none.")
    say("  3. Report a bad date: it is sealed and sent to the relay; the console can pull it:")
    say(f"     brolly console --dir {org.paths.base} --relay {org.relay_url} "
        f"--token-file {org.paths.base.parent / 'console-token'} pull")
    say(f"     (passphrase: {org.passphrase})")
    say("  4. Quick exit (or Escape) hides Brolly behind a calculator.")
    say("Stop the demo with Ctrl+C.")


def _ping(url: str) -> None:
    httpx.get(url + "/v1/health", timeout=5).raise_for_status()
