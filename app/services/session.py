"""Everything that exists while the vault is unlocked, wired together once.

The UI creates a PhoneSession after a successful unlock and closes it on lock; nothing
that reads the vault outlives it.
"""

from __future__ import annotations

from collections.abc import Callable

from app.config import AppConfig
from app.core.areas import AreaTaxonomy
from app.core.validation import Problem
from app.services.alerts import ALERTS, AlertsService
from app.services.directory import Directory, DirectoryService
from app.services.followup import FollowupService
from app.services.outreach import OutreachService
from app.services.reporting import ReportingService
from app.services.settings import SettingsStore
from app.vault.feeds import FeedStore
from app.vault.followups import FollowupStore
from app.vault.outbox import OutboxStore
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from sync.engine import FeedName, SyncEngine, SyncStatus
from sync.feeds import FeedSync
from sync.protocol.trust import Trust
from sync.relay_api import RelayApi
from sync.sender import Sender
from sync.transport import TransportConfig, make_http_client

DIRECTORY = ("directory", "uk")


class PhoneSession:
    def __init__(self, config: AppConfig, vault: Vault, trust: Trust, areas: AreaTaxonomy, *,
                 on_status: Callable[[SyncStatus], None] | None = None) -> None:
        self.config = config
        self.vault = vault
        self.trust = trust
        self.areas = areas
        self.settings = SettingsStore(vault)
        self.reports = ReportStore(vault)
        self.outbox = OutboxStore(vault)
        self.feeds = FeedStore(vault)
        self.followups = FollowupService(FollowupStore(vault))
        self.alerts = AlertsService(self.feeds, trust.root)
        self._directory = DirectoryService(self.feeds, trust.root, areas,
                                           config.shipped_directory)
        self.outreach = OutreachService(vault, self.reports, self.directory, kdf=config.kdf)
        self.reporting = ReportingService(self.reports, self.outbox, self.settings, areas,
                                          trust.report_public_key, wake=self._wake,
                                          zero_retention=lambda: self.outreach.mode() is not None)
        settings = self.settings.load()
        self.relay_url = settings.relay_url or config.relay_url
        self._http = None
        self.engine: SyncEngine | None = None
        if self.relay_url:  # without a relay, reports wait safely in the outbox
            self._http = make_http_client(TransportConfig(self.relay_url, ca_file=config.ca_file,
                                                          proxy=settings.proxy))
            api = RelayApi(self._http)
            sender = Sender(self.outbox, api, on_delivered=self.reporting.after_delivery,
                            on_progress=self._pow_progress)
            self.engine = SyncEngine(self.outbox, sender, FeedSync(self.feeds, api, trust.root),
                                     self.feed_names, on_status=on_status,
                                     after_feeds=lambda: self.followups.fetch(api))

    def directory(self) -> Directory:
        return self._directory.load()

    def regions(self) -> tuple[str, ...]:
        """The feed regions covering the areas the user follows."""
        return self.areas.feed_regions(self.settings.load().areas)

    def feed_names(self) -> list[FeedName]:
        return [(ALERTS, region) for region in self.regions()] + [DIRECTORY]

    def send_report(self, report_id: str) -> tuple[list[Problem], str | None]:
        """Queue a report with a reply key; (problems that stop it, receipt code). In
        outreach mode the code is for the person and is not kept on this phone."""
        outreach = self.outreach.mode() is not None
        receipt = FollowupService.one_time() if outreach else \
            self.followups.for_report(report_id)
        problems = self.reporting.send(report_id, reply_public_key=receipt.public_key)
        if problems:
            if not outreach and not self.outbox.for_report(report_id):
                self.followups.forget_report(report_id)
            return problems, None
        return [], receipt.code

    def delete_report(self, report_id: str) -> None:
        self.reporting.delete(report_id)
        self.followups.forget_report(report_id)

    def check_replies(self) -> None:
        """Ask the relay for replies now (with the feeds, off the UI thread)."""
        self.sync_now()

    def start(self) -> None:
        self.outreach.sweep()  # drafts of sessions left open by a crash or a timeout
        if self.engine is not None:
            self.engine.start()

    def sync_now(self) -> None:
        if self.engine is not None:
            self.engine.wake(feeds=True)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.stop()
        if self._http is not None:
            self._http.close()

    def _pow_progress(self, item_id: str, attempts: int, expected: int) -> None:
        if self.engine is not None:
            self.engine.report_pow_progress(item_id, attempts, expected)

    def _wake(self) -> None:
        if self.engine is not None:
            self.engine.wake()
