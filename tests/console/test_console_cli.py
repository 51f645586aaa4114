"""``brolly console ...`` end to end: keys, pull, read, alert, publish, against a real relay,
with the passphrase on standard input and the token in the environment."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from app.core.report import Wishes
from app.core.report_codec import report_to_bytes
from app.vault.kdf import KdfParams
from server_stub.console.cli import main
from server_stub.console.keys import ConsolePaths
from sync.protocol.alert import alerts_in
from sync.protocol.bundle import verify_bundle
from sync.protocol.trust import Trust, load_trust
from tests.console.conftest import (
    NARRATIVE_MARKER,
    PASSPHRASE,
    REPORTER_NAME,
    RunningRelay,
    make_report,
)

REPO = Path(__file__).resolve().parents[2]
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], feed_stdin: Callable[[str], None],
        monkeypatch: pytest.MonkeyPatch, fast_kdf: KdfParams) -> Run:
    """Run one console command in-process; (exit code, stdout, stderr)."""
    for name in ("BROLLY_CONSOLE_DIR", "BROLLY_RELAY_URL", "BROLLY_ORG_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*argv: str, stdin: str = PASSPHRASE + "\n") -> tuple[int, str, str]:
        feed_stdin(stdin)
        code = main(["console", *argv], kdf=fast_kdf)
        out, err = capsys.readouterr()
        assert PASSPHRASE not in out + err
        return code, out, err
    return invoke


def test_keys_init_prints_the_trust_file_and_never_replaces_keys(run: Run,
                                                                 tmp_path: Path) -> None:
    console = tmp_path / "console"
    # When the keys are made from the command line
    code, out, err = run("keys", "init", str(console))
    # Then the trust file is printed, is the one on disk, and loads
    assert code == 0, err
    paths = ConsolePaths(console)
    assert out.strip().encode() == paths.trust.read_bytes()
    load_trust(paths.trust.read_bytes())
    assert str(paths.trust) in err
    assert str(paths.root) in err
    # And a second init refuses without touching anything
    before = paths.trust.read_bytes()
    code, _out, err = run("keys", "init", "--dir", str(console))
    assert code == 2
    assert "never replaced" in err
    assert paths.trust.read_bytes() == before


def test_a_new_passphrase_must_be_long(run: Run, tmp_path: Path) -> None:
    code, _out, err = run("keys", "init", str(tmp_path / "console"), stdin="short\n")
    assert code == 2
    assert "at least 12 characters" in err
    assert not (tmp_path / "console").exists()


def test_from_report_to_published_alert(run: Run, relay: RunningRelay, paths: ConsolePaths,
                                        trust: Trust, monkeypatch: pytest.MonkeyPatch) -> None:
    console = ["--dir", str(paths.base)]
    online = [*console, "--relay", relay.base_url]
    monkeypatch.setenv("BROLLY_ORG_TOKEN", relay.token)
    # Given a report filed through the relay
    relay.submit(report_to_bytes(make_report()))
    # When the console pulls
    code, _out, err = run("pull", *online)
    assert code == 0, err
    assert "Stored 1 new report(s)" in err
    assert relay.pending_ids() == []
    # Then the report is listed with its day, area, what happened and status
    code, out, _err = run("reports", "list", *console)
    (line,) = out.splitlines()
    case_id = line.split()[0]
    assert "Birmingham" in line
    assert "Physical assault" in line
    assert "new" in line
    # And shown in full to the reviewer, including what is never published
    code, out, _err = run("reports", "show", case_id, *console)
    assert code == 0
    assert NARRATIVE_MARKER in out
    assert "Contact for follow-up (never published)" in out
    # When the reviewer previews an alert, Then nothing is stored
    code, out, err = run("alert", "create", case_id, "--dry-run", *console)
    assert code == 0, err
    assert "Summary: Reported: physical assault" in out
    assert "There are no alerts yet." in run("alert", "list", *console)[2]
    # When the reviewer makes an alert and publishes the region
    code, out, err = run("alert", "create", case_id, "--severity", "high", *console)
    assert code == 0, err
    assert "publish --region uk.eng.wm" in err
    assert NARRATIVE_MARKER not in out
    assert REPORTER_NAME not in out
    code, _out, err = run("publish", "--region", "uk.eng.wm", *online)
    assert code == 0, err
    # Then phones get a bundle that verifies and holds the alert
    raw = httpx.get(f"{relay.base_url}/v1/bundles/alerts/uk.eng.wm", timeout=30).content
    bundle = verify_bundle(raw, trust.root, kind="alerts", name="uk.eng.wm",
                           now=dt.datetime.now(dt.UTC))
    (alert,) = alerts_in(bundle)
    assert NARRATIVE_MARKER not in alert.summary
    # When the alert is expired and the region published again, Then it is gone
    code, out, _err = run("alert", "list", *console)
    assert alert.id in out
    assert run("alert", "expire", alert.id, *console)[0] == 0
    assert run("publish", "--region", "uk.eng.wm", *online)[0] == 0
    raw = httpx.get(f"{relay.base_url}/v1/bundles/alerts/uk.eng.wm", timeout=30).content
    again = verify_bundle(raw, trust.root, kind="alerts", name="uk.eng.wm",
                          now=dt.datetime.now(dt.UTC))
    assert again.version == 2
    assert alerts_in(again) == ()


def test_no_alert_without_consent_and_clear_words_why(run: Run, relay: RunningRelay,
                                                      paths: ConsolePaths,
                                                      tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(relay.token + "\n")
    relay.submit(report_to_bytes(make_report(wishes=Wishes(warn_others=False))))
    assert run("pull", "--dir", str(paths.base), "--relay", relay.base_url,
               "--token-file", str(token_file))[0] == 0
    _code, out, _err = run("reports", "list", "--dir", str(paths.base))
    case_id = out.split()[0]
    code, _out, err = run("alert", "create", case_id, "--dir", str(paths.base))
    assert code == 1
    assert "did not agree to warn others" in err


def test_wrong_passphrase_missing_token_and_unknown_ids(run: Run, paths: ConsolePaths) -> None:
    console = ["--dir", str(paths.base)]
    code, out, err = run("reports", "list", *console, stdin="not it\n")
    assert code == 1
    assert "does not open" in err
    assert "not it" not in out + err
    code, _out, err = run("pull", *console, "--relay", "http://127.0.0.1:9")
    assert code == 2
    assert "BROLLY_ORG_TOKEN" in err
    assert run("reports", "show", "c0000000000", *console)[0] == 3
    assert run("reports", "list", "--dir", str(paths.base / "elsewhere"))[0] == 3


def test_typed_text_cannot_drive_the_reviewers_terminal(run: Run, relay: RunningRelay,
                                                        paths: ConsolePaths,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a report whose text carries terminal escapes and a direction override
    monkeypatch.setenv("BROLLY_ORG_TOKEN", relay.token)
    relay.submit(report_to_bytes(make_report(narrative="hi\x1b]52;c;ZXZpbA==\x07 \u202eevil")))
    run("pull", "--dir", str(paths.base), "--relay", relay.base_url)
    case_id = run("reports", "list", "--dir", str(paths.base))[1].split()[0]
    # When it is shown, Then none of those characters reach the terminal
    _code, out, _err = run("reports", "show", case_id, "--dir", str(paths.base))
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\u202e" not in out
    assert "hi" in out


def test_runs_standalone_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "server_stub.console", "console", "directory", "check",
         str(REPO / "assets" / "directory.json")],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "6 service(s)" in result.stderr
