"""The ``brolly`` command: the composition root for everything run from a terminal.

Passcodes are read from a prompt, or one per line from standard input when it is not
a terminal; never from the command line, where other users and shell history see them.
"""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import i18n
from app.config import AppConfig, build_config
from app.vault.errors import (
    PasscodeRejectedError,
    UnlockRefusedError,
    VaultExistsError,
    VaultMissingError,
)
from app.vault.vault import Vault

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_MISSING = 0, 1, 2, 3

_ = i18n.translation(i18n.locale_from_environment(os.environ)).gettext


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="brolly",
        description=_("Brolly: report dangerous clients, get warnings, find support."),
    )
    parser.add_argument("--data-dir", metavar="DIR",
                        help=_("where the vault is kept (default: the platform's data folder, "
                               "or BROLLY_DATA_DIR)"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _register_vault(commands)
    _register_app(commands)
    _register_demo(commands)
    _register_servers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "func", None) is not None:  # relay and console commands
        return int(args.func(args))
    config = build_config(args.data_dir, relay_url=getattr(args, "relay", None),
                          trust_file=getattr(args, "trust", None))
    handler: Callable[[argparse.Namespace, AppConfig], int] = args.handler
    try:
        return handler(args, config)
    except KeyboardInterrupt:
        return EXIT_REFUSED


# --- brolly vault ----------------------------------------------------------------------------

def _register_vault(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    vault = commands.add_parser("vault", help=_("create, check or wipe the encrypted vault"))
    actions = vault.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser("init", help=_("create a new vault protected by a passcode"))
    init.add_argument("--duress", action="store_true",
                      help=_("also set a duress passcode that wipes the vault when used"))
    init.set_defaults(handler=_vault_init)
    check = actions.add_parser("unlock-check", help=_("check that a passcode opens the vault"))
    check.set_defaults(handler=_vault_unlock_check)
    wipe = actions.add_parser("wipe", help=_("delete the vault and everything in it"))
    wipe.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    wipe.set_defaults(handler=_vault_wipe)


def _vault_init(args: argparse.Namespace, config: AppConfig) -> int:
    vault = Vault(config.data_dir, params=config.kdf)
    if vault.exists():
        _say(_("There is already a vault in %(dir)s.") % {"dir": config.data_dir})
        return EXIT_USAGE
    passcode = _read_new_passcode(_("New passcode: "), _("Repeat the passcode: "))
    duress = None
    if args.duress:
        duress = _read_new_passcode(_("Duress passcode: "), _("Repeat the duress passcode: "))
    try:
        vault.create(passcode)
        if duress is not None:
            vault.set_duress_passcode(duress)
    except (PasscodeRejectedError, VaultExistsError) as exc:
        vault.lock()
        _say(_describe(exc))
        return EXIT_USAGE
    vault.lock()
    _say(_("Created a new vault in %(dir)s.") % {"dir": config.data_dir})
    return EXIT_OK


def _vault_unlock_check(args: argparse.Namespace, config: AppConfig) -> int:
    vault = Vault(config.data_dir)
    if not vault.exists():
        _say(_("There is no vault in %(dir)s.") % {"dir": config.data_dir})
        return EXIT_MISSING
    try:
        vault.unlock(_read_passcode(_("Passcode: ")))
    except UnlockRefusedError as exc:
        _say(_describe(exc))
        return EXIT_REFUSED
    except VaultMissingError:
        _say(_("There is no vault in %(dir)s.") % {"dir": config.data_dir})
        return EXIT_MISSING
    problems = vault.integrity_errors()
    vault.lock()
    if problems:
        _say(_("The passcode is right, but the vault is damaged."))
        return EXIT_REFUSED
    _say(_("The passcode opens the vault."))
    return EXIT_OK


def _vault_wipe(args: argparse.Namespace, config: AppConfig) -> int:
    vault = Vault(config.data_dir)
    if not vault.exists():
        _say(_("There is no vault in %(dir)s.") % {"dir": config.data_dir})
        return EXIT_MISSING
    if not args.yes:
        answer = _read_line(_("This deletes every report and setting. Type WIPE to go on: "))
        if answer.strip() != "WIPE":
            _say(_("Nothing was deleted."))
            return EXIT_REFUSED
    vault.wipe()
    _say(_("The vault was deleted."))
    return EXIT_OK


def _describe(exc: Exception) -> str:
    if isinstance(exc, UnlockRefusedError) and exc.retry_after > 0:
        return _("That passcode is not right. Wait %(seconds)d seconds before trying again.") % {
            "seconds": round(exc.retry_after)}
    if isinstance(exc, UnlockRefusedError):
        return _("That passcode is not right.")
    if isinstance(exc, PasscodeRejectedError):
        return _("That passcode cannot be used. Choose another one.")
    return _("The vault could not be created.")


# --- brolly app ------------------------------------------------------------------------------

def _register_app(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    app = commands.add_parser("app", help=_("run the Brolly app"))
    app.add_argument("--relay", metavar="URL", help=_("the organisation's relay"))
    app.add_argument("--trust", metavar="FILE",
                     help=_("the organisation's trust file (default: the shipped one)"))
    app.add_argument("--port", type=int, default=8550, help=_("port of the local web app"))
    app.add_argument("--web", action="store_true",
                     help=_("serve as a local web app on 127.0.0.1 (always, where the Flet "
                            "desktop client is not installed)"))
    app.set_defaults(handler=_run_app)


def _run_app(args: argparse.Namespace, config: AppConfig) -> int:
    from app.ui.main import run

    _say(_("Brolly is running at http://127.0.0.1:%(port)d/ (stop it with Ctrl+C).")
         % {"port": args.port})
    run(config, port=args.port, web=args.web or importlib.util.find_spec("flet_desktop") is None)
    return EXIT_OK


def _register_servers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The relay and the organisation console live in server_stub/; they are imported only
    when the server extra is installed (a phone build does not carry FastAPI)."""
    try:
        from server_stub.console.cli import register as register_console
        from server_stub.relay.cli import register as register_relay
    except ImportError:
        return
    register_relay(commands)
    register_console(commands)


# --- brolly demo -----------------------------------------------------------------------------

def _register_demo(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = commands.add_parser("demo", help=_("the relay, the console and the app, with "
                                              "throwaway keys and DEMO data"))
    demo.add_argument("--dir", default="demo-data", help=_("where the throwaway data goes"))
    demo.add_argument("--port", type=int, default=8550, help=_("port of the app"))
    demo.add_argument("--relay-port", type=int, default=8080, help=_("port of the relay"))
    demo.add_argument("--no-app", action="store_true",
                      help=_("set up and check the organisation and relay, then stop"))
    demo.set_defaults(handler=_run_demo)


def _run_demo(args: argparse.Namespace, config: AppConfig) -> int:
    try:
        from server_stub.demo import run_demo
    except ImportError:
        _say(_("The demo needs the server parts: pip install -e '.[server]'"))
        return EXIT_USAGE
    return run_demo(Path(args.dir).resolve(), _say, app_port=args.port,
                    relay_port=args.relay_port, with_app=not args.no_app)


# --- terminal input and output ---------------------------------------------------------------

def _read_new_passcode(prompt: str, repeat: str) -> str:
    first = _read_passcode(prompt)
    if sys.stdin.isatty() and _read_passcode(repeat) != first:
        _say(_("The two passcodes are different."))
        raise SystemExit(EXIT_USAGE)
    return first


def _read_passcode(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return _read_line("")


def _read_line(prompt: str) -> str:
    if prompt:
        print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line:
        _say(_("No input was given."))
        raise SystemExit(EXIT_USAGE)
    return line.rstrip("\r\n")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
