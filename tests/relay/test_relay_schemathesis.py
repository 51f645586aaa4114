"""Property-based API testing with schemathesis against a real relay's /openapi.json:
no 5xx, every response conforms to the published schema (status, content type, body,
headers), invalid input is rejected, the org API refuses requests without a token.

Two operations are allowed to refuse schema-valid input, and only with the statuses
listed: JSON Schema cannot say "one of five envelope sizes" or "a proof of work this
relay signed and that is solved" (reports: 403/422), nor "signed by the publisher key"
(bundle uploads: 400/403/409).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token

MAX_EXAMPLES = 50
SCHEMATHESIS_CONFIG = """
[cache]
enabled = false

[[operations]]
include-path = "/v1/reports"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "403", "409", "422", "429"]

[[operations]]
include-path = "/v1/org/bundles/{kind}/{name}"
include-method = "PUT"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "403", "409", "413", "429"]

[[operations]]
include-path = "/v1/org/replies"
include-method = "POST"
# The pattern admits text that is not whole base64 (a stray "=" inside), and any size
# while a sealed reply has exactly one: 422 says so. A full mailbox is 409.
checks.positive_data_acceptance.expected-statuses = ["2xx", "409", "422", "429"]
"""


def test_schemathesis_finds_nothing(relay_server: Callable[..., Any], tmp_path: Path,
                                    publisher: Any) -> None:
    # Given a real relay with an organisation token and one published bundle (the one
    # the schema's examples name), so downloads are not all 404
    db_url = f"sqlite:///{tmp_path / 'fuzzed.db'}"
    storage = Storage.open(db_url)
    token = add_org_token(storage, "schemathesis")
    storage.close()
    relay = relay_server(db_url=db_url)
    with relay.http(headers={"Authorization": f"Bearer {token}"}) as org:
        uploaded = org.put("/v1/org/bundles/alerts/gb-lon", content=publisher.bundle(1),
                           headers={"content-type": "application/json"})
        assert uploaded.status_code == 200
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG)
    # When schemathesis runs every check against every operation
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config),
        "run", f"{relay.base_url}/openapi.json",
        "--checks", "all",
        "--max-examples", str(MAX_EXAMPLES),
        "--header", f"Authorization: Bearer {token}",
        "--generation-database", "none",
        "--request-timeout", "20",
        "--no-color",
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                            timeout=150, check=False)
    # Then it finds no failure
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "9 selected / 9 total" in result.stdout
