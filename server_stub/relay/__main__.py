"""``python -m server_stub.relay relay serve ...``: the relay CLI without the app's CLI."""

from __future__ import annotations

import sys

from server_stub.relay.cli import main

if __name__ == "__main__":
    sys.exit(main())
