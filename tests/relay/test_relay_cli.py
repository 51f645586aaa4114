"""The relay's command line: registration in a parent CLI, config from options, tokens."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from server_stub.relay.cli import config_from_args, main, register
from server_stub.relay.config import RateLimit
from server_stub.relay.storage import Storage
from server_stub.relay.tokens import hash_token


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="brolly")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_serve_options_become_the_config(tmp_path: Path) -> None:
    digest = "ab" * 32
    (tmp_path / "root.json").write_bytes(b"{}")
    args = _parse(["relay", "serve", "--root", str(tmp_path / "root.json"), "--db",
                   "sqlite:///x.db", "--pow-difficulty", "20", "--pow-ttl", "300",
                   "--retention-days", "7", "--reply-retention-days", "90",
                   "--rate-limit", "pow=5/60",
                   "--org-token-hash", digest.upper(), "--client-address-header", "X-Real-IP"])
    config = config_from_args(args)
    assert config.root_path == tmp_path / "root.json"
    assert (config.db_url, config.pow_difficulty, config.pow_ttl_seconds) == (
        "sqlite:///x.db", 20, 300)
    assert (config.retention_days, config.reply_retention_days) == (7, 90)
    assert config.rate_limits["pow"] == RateLimit(5, 60)
    assert config.org_token_hashes == frozenset({digest})
    assert config.client_address_header == "X-Real-IP"
    assert args.port == 8080
    assert args.host == "127.0.0.1"


@pytest.mark.parametrize("bad", [["--rate-limit", "nope=1/1"], ["--rate-limit", "pow=1"],
                                 ["--pow-difficulty", "40"], ["--org-token-hash", "xyz"],
                                 ["--reply-retention-days", "0"]])
def test_bad_serve_options_fail_cleanly(tmp_path: Path, bad: list[str],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "root.json").write_bytes(b"{}")
    code = main(["relay", "serve", "--root", str(tmp_path / "root.json"), *bad])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_a_missing_root_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["relay", "serve", "--root", str(tmp_path / "absent.json"),
                 "--db", f"sqlite:///{tmp_path / 'r.db'}"])
    assert code == 2
    assert "is not a file" in capsys.readouterr().err


def test_add_and_revoke_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'relay.db'}"
    assert main(["relay", "add-token", "--db", db, "--label", "console"]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert len(token) == 43
    assert token not in out.err
    storage = Storage.open(db)
    assert storage.token_label(hash_token(token)) == "console"
    storage.close()
    assert main(["relay", "revoke-token", "--db", db, "--label", "console"]) == 0
    assert main(["relay", "revoke-token", "--db", db, "--label", "console"]) == 1
