"""A phone (vault, outbox, sender) and a real relay process for the fault-injection tests."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from app.core.areas import AreaTaxonomy
from app.core.report import Report
from app.core.vocab import IncidentType
from app.services.reporting import ReportingService
from app.services.settings import SettingsStore
from app.vault.kdf import KdfParams
from app.vault.outbox import OutboxStore
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from sync.protocol.backoff import Backoff
from sync.protocol.envelope import ReportPrivateKey, generate_report_keypair
from sync.protocol.outbox import OutboxState
from sync.relay_api import RelayApi
from sync.sender import Sender
from sync.transport import TransportConfig, make_http_client
from tests.sync.faults.relay_process import RelayProcess
from tests.trustkit import TrustKit

PASSCODE = "phone passcode"
FAST_RETRIES = Backoff(base=0.02, cap=0.3)


@dataclass
class Phone:
    vault: Vault
    outbox: OutboxStore
    reporting: ReportingService
    org_key: ReportPrivateKey
    clients: list[httpx.Client] = field(default_factory=list)

    def queue(self, count: int) -> None:
        for i in range(count):
            report = Report(date=dt.date(2026, 11, 1), area_code="uk.eng.wm.wmp.birmingham",
                            incident_types=(IncidentType.THREATS,), narrative=f"report {i}")
            report_id = self.reporting.save_draft(report)
            assert self.reporting.send(report_id) == []

    def sender(self, relay_url: str) -> Sender:
        http = make_http_client(TransportConfig(relay_url, connect_timeout=3, read_timeout=5))
        self.clients.append(http)
        return Sender(self.outbox, RelayApi(http), backoff=FAST_RETRIES)

    def drain_until_done(self, sender: Sender, *, timeout: float = 240.0) -> None:
        """Keep draining, as the engine would, until nothing waits (bounded in time)."""
        deadline = time.monotonic() + timeout
        while self.pending():
            assert time.monotonic() < deadline, f"still pending: {self.pending()}"
            sender.drain()
            time.sleep(0.02)

    def pending(self) -> int:
        return len(self.outbox.items([OutboxState.WAITING, OutboxState.SENDING]))

    def receipts(self) -> list[str]:
        return [str(item.receipt["id"]) for item in self.outbox.items([OutboxState.DELIVERED])
                if item.receipt is not None]


@pytest.fixture
def kit() -> TrustKit:
    return TrustKit()


def make_phone(data_dir: Path) -> Phone:
    """A vault, outbox and reporting service, sealing to a throwaway organisation key."""
    vault = Vault(data_dir, params=KdfParams.insecure_fast())
    vault.create(PASSCODE)
    private, public = generate_report_keypair()
    outbox = OutboxStore(vault)
    reporting = ReportingService(ReportStore(vault), outbox, SettingsStore(vault),
                                 AreaTaxonomy.load(), public)
    return Phone(vault, outbox, reporting, private)


def close_phone(phone: Phone) -> None:
    for client in phone.clients:
        client.close()
    phone.vault.lock()


@pytest.fixture
def phone(tmp_path: Path) -> Iterator[Phone]:
    phone = make_phone(tmp_path / "phone")
    yield phone
    close_phone(phone)


@pytest.fixture
def relay(tmp_path: Path, kit: TrustKit) -> Iterator[RelayProcess]:
    workdir = tmp_path / "relay"
    workdir.mkdir()
    process = RelayProcess(workdir, kit.root_raw)
    yield process
    process.stop()
