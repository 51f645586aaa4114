"""The console's terminal: settings from options and the environment, secrets from a prompt
or standard input, and output. Part of the composition root with cli.py: nothing below
these two modules reads the environment or the terminal.

Messages go to standard error, data the operator asked for to standard output, so
``reports show ID > file`` keeps only the report (and the file is the operator's to
protect).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app import i18n
from app.vault.kdf import KdfParams
from server_stub.console.keystore import CONSOLE_KDF, Passphrase
from server_stub.console.relay_client import OrgToken, RelayClientConfig

DIR_ENV = "BROLLY_CONSOLE_DIR"
RELAY_ENV = "BROLLY_RELAY_URL"
TOKEN_ENV = "BROLLY_ORG_TOKEN"  # noqa: S105 - the name of a variable, not a token
EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_MISSING = 0, 1, 2, 3
MIN_NEW_PASSPHRASE = 12

_ = i18n.translation(i18n.locale_from_environment(os.environ)).gettext


def console_dir(args: argparse.Namespace) -> Path:
    """The console directory from --dir (or ``keys init DIR``) or the environment."""
    chosen = getattr(args, "target", None) or args.dir or os.environ.get(DIR_ENV)
    if not chosen:
        say(_("Say where the console directory is: --dir DIR or %(env)s.") % {"env": DIR_ENV})
        raise SystemExit(EXIT_USAGE)
    return Path(chosen).expanduser().resolve()


def kdf_params(args: argparse.Namespace) -> KdfParams:
    params = getattr(args, "console_kdf", None)
    return params if isinstance(params, KdfParams) else CONSOLE_KDF


def relay_config(args: argparse.Namespace) -> RelayClientConfig:
    url = args.relay or os.environ.get(RELAY_ENV)
    if not url:
        say(_("Say where the relay is: --relay URL or %(env)s.") % {"env": RELAY_ENV})
        raise SystemExit(EXIT_USAGE)
    try:
        return RelayClientConfig(url=url, ca_file=args.ca_file)
    except ValueError:
        say(_("The relay URL must start with https:// (http:// only for this machine or an "
              "onion service)."))
        raise SystemExit(EXIT_USAGE) from None


def org_token(args: argparse.Namespace) -> OrgToken:
    if args.token_file is not None:
        try:
            lines = args.token_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            say(_("The token file cannot be read."))
            raise SystemExit(EXIT_USAGE) from None
        token = lines[0].strip() if lines else ""
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        say(_("Give the organisation token in %(env)s or with --token-file.") % {
            "env": TOKEN_ENV})
        raise SystemExit(EXIT_USAGE)
    return OrgToken(token)


def read_passphrase(*, new: bool = False) -> Passphrase:
    """From a prompt (twice for a new one), or one line of standard input."""
    if not sys.stdin.isatty():
        return _checked(sys.stdin.readline().rstrip("\r\n"), new=new)
    first = getpass.getpass(_("New console passphrase: ") if new else _("Console passphrase: "))
    if new and getpass.getpass(_("Repeat the passphrase: ")) != first:
        say(_("The two passphrases are different."))
        raise SystemExit(EXIT_USAGE)
    return _checked(first, new=new)


def _checked(passphrase: str, *, new: bool) -> Passphrase:
    if not passphrase:
        say(_("No passphrase was given."))
        raise SystemExit(EXIT_USAGE)
    # It guards every report and the keys that sign warnings: several words, not a PIN.
    if new and len(passphrase) < MIN_NEW_PASSPHRASE:
        say(_("Choose a passphrase of at least %(n)d characters, e.g. several words.") % {
            "n": MIN_NEW_PASSPHRASE})
        raise SystemExit(EXIT_USAGE)
    return Passphrase(passphrase)


def say(message: str) -> None:
    """A message for the operator, on standard error."""
    print(message, file=sys.stderr)


def show(line: str = "") -> None:
    """Data the operator asked for, on standard output."""
    print(line)
