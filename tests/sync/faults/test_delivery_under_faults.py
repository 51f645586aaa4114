"""Exactly-once delivery through a flaky network, a relay killed mid-drain, and a phone
killed mid-drain: real processes on 127.0.0.1, bounded in time."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.report_codec import report_from_bytes
from sync.protocol.envelope import open_report
from sync.protocol.outbox import OutboxState
from tests.sync.faults.conftest import PASSCODE, Phone
from tests.sync.faults.flaky_proxy import FlakyProxy
from tests.sync.faults.relay_process import REPO, RelayProcess

DRAIN_CHILD = Path(__file__).with_name("drain_child.py")


def _assert_exactly_once(phone: Phone, relay: RelayProcess, count: int) -> None:
    receipts = phone.receipts()
    assert phone.pending() == 0
    assert len(receipts) == count
    assert len(set(receipts)) == count
    assert relay.envelope_count() == count
    assert set(receipts) == relay.receipt_ids()


@pytest.mark.slow
def test_three_hundred_reports_through_a_flaky_network(phone: Phone,
                                                       relay: RelayProcess) -> None:
    # Given 300 reports queued while offline
    phone.queue(300)
    relay.start()
    # When they are sent through a proxy that drops, resets or delays 25% of connections
    with FlakyProxy(relay.port, fault_rate=0.25, seed=300) as proxy:
        phone.drain_until_done(phone.sender(f"http://127.0.0.1:{proxy.port}"))
        faults = sum(proxy.faults.values())
    # Then the network really misbehaved, and every report arrived exactly once
    assert faults > 30
    _assert_exactly_once(phone, relay, 300)


@pytest.mark.slow
def test_relay_killed_ten_times_during_a_drain(phone: Phone, relay: RelayProcess) -> None:
    phone.queue(150)
    relay.start()
    sender = phone.sender(relay.url)
    drainer = threading.Thread(target=phone.drain_until_done, args=(sender,))
    drainer.start()
    rng = random.Random(10)
    # When the relay is killed with SIGKILL and restarted ten times while the phone sends
    kills = 0
    for _ in range(10):
        time.sleep(rng.uniform(0.2, 0.6))
        relay.kill()
        kills += 1
        time.sleep(rng.uniform(0.05, 0.3))
        relay.start()
    drainer.join(240)
    assert not drainer.is_alive()
    # Then every report is delivered exactly once
    assert kills == 10
    _assert_exactly_once(phone, relay, 150)


@pytest.mark.slow
def test_phone_killed_mid_drain_loses_and_duplicates_nothing(phone: Phone,
                                                             relay: RelayProcess) -> None:
    phone.queue(120)
    relay.start()
    phone.vault.lock()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, str(DRAIN_CHILD), str(phone.vault.files.data_dir), PASSCODE,
            relay.url]
    rng = random.Random(7)
    # When the sending app is killed with SIGKILL five times in the middle of a drain
    for _ in range(5):
        child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.3, 0.8))
        child.kill()
        child.wait(10)
        child.stdout.close()
    # And then started again and left to finish
    done = subprocess.run(args, capture_output=True, text=True, env=env,
                          timeout=240)
    assert done.returncode == 0, done.stderr
    # Then all 120 are there once, and the organisation can open every one of them
    phone.vault.unlock(PASSCODE)
    _assert_exactly_once(phone, relay, 120)
    delivered = phone.outbox.items([OutboxState.DELIVERED])
    narratives = {report_from_bytes(open_report(item.envelope, phone.org_key,
                                                item.idempotency_key).report_bytes).narrative
                  for item in delivered}
    assert narratives == {f"report {i}" for i in range(120)}
