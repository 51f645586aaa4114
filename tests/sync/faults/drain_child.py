"""Run by test_delivery_under_faults: the phone's sync engine in a process of its own.

usage: drain_child.py DATA_DIR PASSCODE RELAY_URL   (drains until nothing waits)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.vault.kdf import KdfParams
from app.vault.outbox import OutboxStore
from app.vault.vault import Vault
from sync.protocol.backoff import Backoff
from sync.protocol.outbox import OutboxState
from sync.relay_api import RelayApi
from sync.sender import Sender
from sync.transport import TransportConfig, make_http_client


def main() -> int:
    data_dir, passcode, relay_url = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    vault = Vault(data_dir, params=KdfParams.insecure_fast())
    vault.unlock(passcode)
    outbox = OutboxStore(vault)
    outbox.recover_after_restart()
    http = make_http_client(TransportConfig(relay_url, connect_timeout=3, read_timeout=5))
    sender = Sender(outbox, RelayApi(http), backoff=Backoff(base=0.02, cap=0.3))
    print("ready", flush=True)
    deadline = time.monotonic() + 200
    while outbox.items([OutboxState.WAITING, OutboxState.SENDING]):
        if time.monotonic() > deadline:
            return 1
        sender.drain()
        time.sleep(0.02)
    vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
