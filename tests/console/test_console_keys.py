"""Keys at rest and ``keys init``: encrypted, private, never overwritten, nothing readable."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core import canonical
from app.vault.kdf import KdfParams
from server_stub.console.errors import (
    KeyFileFormatError,
    KeyMismatchError,
    KeysExistError,
    NotInitialisedError,
    WrongPassphraseError,
)
from server_stub.console.keys import (
    ConsolePaths,
    init_keys,
    load_publisher_key,
    load_report_key,
    load_trust_file,
)
from server_stub.console.keystore import (
    Passphrase,
    open_key,
    read_key_file,
    seal_key,
    write_key_file,
)
from sync.protocol.envelope import private_key_bytes
from sync.protocol.root import load_trusted_root
from sync.protocol.signing import key_id
from tests.console.conftest import PASSPHRASE

SECRET = bytes(range(32))


def _forms(secret: bytes) -> list[bytes]:
    """Every spelling of a key someone searching the disk would try."""
    return [secret, secret.hex().encode(), base64.b64encode(secret),
            base64.urlsafe_b64encode(secret).rstrip(b"=")]


def test_a_key_comes_back_only_with_the_right_passphrase(fast_kdf: KdfParams) -> None:
    # Given a key sealed under a passphrase
    raw = seal_key(SECRET, PASSPHRASE, kind="publisher", params=fast_kdf)
    # When it is opened with the right one, Then the key comes back
    assert open_key(raw, PASSPHRASE, kind="publisher") == SECRET
    # And a wrong passphrase is a typed refusal
    with pytest.raises(WrongPassphraseError):
        open_key(raw, Passphrase("not the passphrase"), kind="publisher")


def test_the_file_holds_no_readable_form_of_the_key(fast_kdf: KdfParams) -> None:
    # Given a sealed key
    raw = seal_key(SECRET, PASSPHRASE, kind="root", params=fast_kdf)
    # Then no spelling of the key appears in it, nor the passphrase
    for form in [*_forms(SECRET), PASSPHRASE.encode()]:
        assert form not in raw
    # And the file says only what is needed to open it with the passphrase
    assert set(canonical.decode(raw)) == {"format", "kind", "kdf", "salt", "nonce", "ciphertext"}


@pytest.mark.parametrize("field", ["kind", "kdf", "salt"])
def test_changing_any_header_field_breaks_the_seal(fast_kdf: KdfParams, field: str) -> None:
    # Given a report key file whose header is edited (e.g. passed off as a publisher key)
    document = canonical.decode(seal_key(SECRET, PASSPHRASE, kind="report", params=fast_kdf))
    edited = {"kind": "publisher",
              "kdf": {**document["kdf"], "iterations": document["kdf"]["iterations"] + 1},
              "salt": base64.b64encode(bytes(16)).decode()}[field]
    raw = canonical.encode({**document, field: edited})
    kind = "publisher" if field == "kind" else "report"
    # When it is opened, Then the AEAD refuses it even with the right passphrase
    with pytest.raises(WrongPassphraseError):
        open_key(raw, PASSPHRASE, kind=kind)


def test_a_file_of_another_kind_or_shape_is_refused(fast_kdf: KdfParams) -> None:
    raw = seal_key(SECRET, PASSPHRASE, kind="report", params=fast_kdf)
    with pytest.raises(KeyFileFormatError):
        open_key(raw, PASSPHRASE, kind="publisher")
    with pytest.raises(KeyFileFormatError):
        open_key(b"not json", PASSPHRASE, kind="report")
    # A planted file must not make the console allocate absurd amounts of memory
    document = canonical.decode(raw)
    greedy = {**document, "kdf": {**document["kdf"], "memory_kib": 1 << 40}}
    with pytest.raises(KeyFileFormatError):
        open_key(canonical.encode(greedy), PASSPHRASE, kind="report")


def test_key_files_are_private_and_never_overwritten(tmp_path: Path, fast_kdf: KdfParams) -> None:
    # Given a key file written to disk
    path = tmp_path / "publisher.key"
    write_key_file(path, SECRET, PASSPHRASE, kind="publisher", params=fast_kdf)
    # Then only its owner can read it, and it reads back
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_key_file(path, PASSPHRASE, kind="publisher") == SECRET
    # And writing another key to the same name leaves the first one untouched
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_key_file(path, bytes(32), PASSPHRASE, kind="publisher", params=fast_kdf)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["publisher.key"]


def test_init_makes_a_consistent_key_set(tmp_path: Path, fast_kdf: KdfParams) -> None:
    # Given a fresh console directory
    paths = ConsolePaths(tmp_path / "console")
    # When the keys are made
    created = init_keys(paths, PASSPHRASE, params=fast_kdf)
    # Then the root verifies on its own and names the publisher key
    root = load_trusted_root(paths.root.read_bytes())
    publisher = load_publisher_key(paths, PASSPHRASE)
    assert key_id(publisher.public_key()) in root.publisher_keys()
    assert created.root_key_id in root.root_keys()
    # And the trust file carries that root and the report key that the private key matches
    trust = load_trust_file(paths)
    assert trust.root.raw == paths.root.read_bytes()
    report_key = load_report_key(paths, PASSPHRASE)
    assert report_key.public_key.raw == trust.report_public_key.raw
    assert created.report_fingerprint == trust.report_public_key.fingerprint()


def test_init_files_are_private_and_hold_nothing_readable(tmp_path: Path,
                                                          fast_kdf: KdfParams) -> None:
    # Given keys made in a console directory
    paths = ConsolePaths(tmp_path / "console")
    init_keys(paths, PASSPHRASE, params=fast_kdf)
    secrets = [private_key_bytes(load_report_key(paths, PASSPHRASE)),
               load_publisher_key(paths, PASSPHRASE).private_bytes_raw(),
               read_key_file(paths.root_key, PASSPHRASE, kind="root")]
    # Then private files and the directory are for the owner only
    assert stat.S_IMODE(paths.keys_dir.stat().st_mode) == 0o700
    for key_file in (paths.report_key, paths.publisher_key, paths.root_key):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # And no file in the directory contains any private key in any spelling
    everything = b"".join(p.read_bytes() for p in paths.base.rglob("*") if p.is_file())
    for secret in secrets:
        for form in _forms(secret):
            assert form not in everything
    assert PASSPHRASE.encode() not in everything
    # And nothing was left behind by the staging directory
    assert sorted(p.name for p in paths.base.iterdir()) == ["keys"]


def test_init_never_replaces_keys(tmp_path: Path, fast_kdf: KdfParams) -> None:
    # Given a console with keys
    paths = ConsolePaths(tmp_path / "console")
    init_keys(paths, PASSPHRASE, params=fast_kdf)
    before = {p.name: p.read_bytes() for p in paths.keys_dir.iterdir()}
    # When init runs again, Then it refuses and every file is unchanged
    with pytest.raises(KeysExistError):
        init_keys(paths, PASSPHRASE, params=fast_kdf)
    assert {p.name: p.read_bytes() for p in paths.keys_dir.iterdir()} == before


def test_loading_needs_keys_the_right_passphrase_and_matching_files(
        tmp_path: Path, fast_kdf: KdfParams) -> None:
    paths = ConsolePaths(tmp_path / "console")
    # Given no keys yet, Then loading says so
    with pytest.raises(NotInitialisedError):
        load_trust_file(paths)
    init_keys(paths, PASSPHRASE, params=fast_kdf)
    # Given keys, Then a wrong passphrase is refused
    with pytest.raises(WrongPassphraseError):
        load_report_key(paths, Passphrase("wrong"))
    # And a publisher key that the root does not list is refused
    paths.publisher_key.unlink()
    write_key_file(paths.publisher_key, Ed25519PrivateKey.generate().private_bytes_raw(),
                   PASSPHRASE, kind="publisher", params=fast_kdf)
    with pytest.raises(KeyMismatchError):
        load_publisher_key(paths, PASSPHRASE)
