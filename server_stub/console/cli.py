"""Command line of the organisation console: ``brolly console ...``.

The main ``brolly`` CLI calls :func:`register` with its subparsers; every leaf command
sets ``func``, which takes the parsed namespace and returns an exit code (the relay's
CLI works the same way). Standalone: ``python -m server_stub.console console ...``.

This is the console's composition root, the only place that reads the environment.
Secrets never come from the command line, where other users and shell history see
them: the passphrase is read from a prompt, or as one line on standard input when that
is not a terminal; the organisation token from BROLLY_ORG_TOKEN or ``--token-file``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from app.vault.kdf import KdfParams
from server_stub.console import commands, export_commands, reply_commands
from server_stub.console.export import ExportConsent, ExportFormat
from server_stub.console.terminal import DIR_ENV, RELAY_ENV, TOKEN_ENV, _
from sync.protocol.followup import ReplyKind

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``console`` and its commands to a parent CLI."""
    console = subparsers.add_parser(
        "console", help=_("the organisation console: keys, reports, alerts, publishing"))
    groups = console.add_subparsers(dest="console_command", required=True, metavar="COMMAND")
    _register_keys(groups)
    _leaf(groups, "pull", _("fetch new reports from the relay and store them here"),
          commands.run_pull, relay=True)
    _register_reports(groups)
    _register_alerts(groups)
    publish = _leaf(groups, "publish", _("sign and upload the alerts of one region"),
                    commands.run_publish, relay=True)
    publish.add_argument("--region", required=True,
                         help=_("feed region code, e.g. uk.eng.wm (an English region or a "
                                "nation without regions)"))
    publish.add_argument("--valid-days", type=int, default=7,
                         help=_("days until phones treat this bundle as out of date"))
    _register_directory(groups)
    _register_export(groups)
    _register_reply(groups)


def main(argv: Sequence[str] | None = None, *, kdf: KdfParams | None = None) -> int:
    """Entry point of ``python -m server_stub.console``. ``kdf`` is for tests only: it
    sets the Argon2id cost of keys and casework made by ``keys init``."""
    parser = argparse.ArgumentParser(prog="brolly")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv, namespace=argparse.Namespace(console_kdf=kdf))
    handler: Handler = args.func
    return handler(args)


# --- parser ------------------------------------------------------------------------------------

def _register_keys(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = groups.add_parser("keys", help=_("create the organisation's keys"))
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    init = _leaf(actions, "init", _("make the report, publisher and root keys, root.json and "
                                    "trust.json, and the casework store"), commands.run_keys_init)
    init.add_argument("target", nargs="?", metavar="DIR",
                      help=_("console directory (the same as --dir)"))


def _register_reports(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reports = groups.add_parser("reports", help=_("read the reports in the casework store"))
    actions = reports.add_subparsers(dest="reports_command", required=True, metavar="ACTION")
    _leaf(actions, "list", _("one line per report"), commands.run_reports_list)
    show = _leaf(actions, "show", _("a whole report in plain words"), commands.run_reports_show)
    show.add_argument("case_id", metavar="ID")


def _register_alerts(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    alert = groups.add_parser("alert", help=_("make, list and expire alerts"))
    actions = alert.add_subparsers(dest="alert_command", required=True, metavar="ACTION")
    create = _leaf(actions, "create", _("make an alert from a report (needs the reporter's "
                                        "consent to warn others)"), commands.run_alert_create)
    create.add_argument("case_id", metavar="CASE_ID")
    create.add_argument("--summary", help=_("your own summary; phone numbers, emails, links "
                                            "and handles are removed from it"))
    create.add_argument("--severity", choices=["low", "medium", "high"])
    create.add_argument("--expires-days", type=int, default=90)
    create.add_argument("--dry-run", action="store_true",
                        help=_("show the alert without storing it"))
    expire = _leaf(actions, "expire", _("leave an alert out of every later bundle"),
                   commands.run_alert_expire)
    expire.add_argument("alert_id", metavar="ALERT_ID")
    _leaf(actions, "list", _("every alert, newest first"), commands.run_alert_list)


def _register_directory(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    directory = groups.add_parser("directory", help=_("check and publish the support directory"))
    actions = directory.add_subparsers(dest="directory_command", required=True,
                                       metavar="ACTION")
    check = actions.add_parser("check", help=_("validate a reviewed directory file"))
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(func=commands.run_directory_check)
    publish = _leaf(actions, "publish", _("sign and upload the directory"),
                    commands.run_directory_publish, relay=True)
    publish.add_argument("file", type=Path, metavar="FILE")
    publish.add_argument("--ship", type=Path, metavar="DIR",
                         help=_("also write the signed copy the app ships to "
                                "DIR/directory.bundle.json"))
    publish.add_argument("--no-upload", action="store_true",
                         help=_("sign (and ship) without uploading to the relay"))
    publish.add_argument("--valid-days", type=int, default=180)


def _register_export(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = _leaf(groups, "export", _("reports shared with the police, only where the "
                                       "reporter consented (docs/EXPORT.md)"),
                   export_commands.run_export)
    export.add_argument("--consent", required=True,
                        choices=[c.value for c in ExportConsent],
                        help=_("police-intel: anonymous intelligence; police-report: a "
                               "report with the reporter's contact"))
    export.add_argument("--since", required=True, type=export_commands.day, metavar="DAY",
                        help=_("first day received, YYYY-MM-DD"))
    export.add_argument("--until", type=export_commands.day, metavar="DAY",
                        help=_("last day received (default: today)"))
    export.add_argument("--format", default="jsonl", choices=[f.value for f in ExportFormat])
    export.add_argument("--by", metavar="NAME", help=_("who is exporting (logged)"))
    export.add_argument("--out", type=Path, metavar="FILE",
                        help=_("write here (a new file, readable only by you) instead of "
                               "standard output"))
    _leaf(groups, "export-log", _("every export made: when, by whom, which reports"),
          export_commands.run_export_log)


def _register_reply(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reply = _leaf(groups, "reply", _("answer a reporter through their anonymous mailbox"),
                  reply_commands.run_reply, relay=True)
    reply.add_argument("case_id", metavar="ID")
    reply.add_argument("--kind", required=True, choices=[k.value for k in ReplyKind],
                       help=", ".join(f"{k.value}: {text}"
                                      for k, text in reply_commands.KIND_HELP.items()))
    reply.add_argument("--text", help=_("the reply, in words the person will read"))
    reply.add_argument("--text-file", type=Path, metavar="FILE",
                       help=_("read the reply from a UTF-8 text file"))
    reply.add_argument("--by", metavar="NAME", help=_("who is replying (logged)"))
    log = _leaf(groups, "reply-log", _("the replies sent to one report: when, by whom, what"),
                reply_commands.run_reply_log)
    log.add_argument("case_id", metavar="ID")


def _leaf(actions: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str,
          handler: Handler, *, relay: bool = False) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=text, description=text)
    parser.add_argument("--dir", type=Path, metavar="DIR",
                        help=_("console directory (default: $%(env)s)") % {"env": DIR_ENV})
    if relay:
        parser.add_argument("--relay", metavar="URL",
                            help=_("relay base URL (default: $%(env)s)") % {"env": RELAY_ENV})
        parser.add_argument("--token-file", type=Path, metavar="FILE",
                            help=_("file holding the organisation token (default: $%(env)s)")
                            % {"env": TOKEN_ENV})
        parser.add_argument("--ca-file", type=Path, metavar="FILE",
                            help=_("CA certificates to verify the relay's TLS certificate"))
    parser.set_defaults(func=handler)
    return parser
