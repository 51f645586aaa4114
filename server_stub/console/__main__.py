"""``python -m server_stub.console console ...``: the console CLI without the app's CLI."""

from __future__ import annotations

import sys

from server_stub.console.cli import main

if __name__ == "__main__":
    sys.exit(main())
