"""What each ``brolly console`` command does, on top of the modules that do the work.

Each handler takes the parsed namespace and returns an exit code; :func:`guarded`
turns the console's errors into a sentence for the operator and a code (1 refused,
2 usage, 3 missing). No message quotes a passphrase, a token or report content.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from collections.abc import Callable

from app.core.areas import AreaTaxonomy
from server_stub.console import terminal as term
from server_stub.console.alerts import AlertRequest, build_alert, create_alert
from server_stub.console.casework import AlertStatus, Casework, StoredAlert
from server_stub.console.directory import load_directory
from server_stub.console.errors import (
    AlertNotFoundError,
    AlertRefusedError,
    CaseNotFoundError,
    ConsoleError,
    DirectoryError,
    KeysExistError,
    KeystoreError,
    NotInitialisedError,
    RegionError,
    RelayRefusedError,
    RelayUnreachableError,
    WrongPassphraseError,
)
from server_stub.console.keys import (
    ConsolePaths,
    init_keys,
    load_publisher_key,
    load_report_key,
    load_trust_file,
)
from server_stub.console.publish import Publisher, publish_alerts, publish_directory
from server_stub.console.pull import PullResult, pull
from server_stub.console.relay_client import OrgRelayClient
from server_stub.console.report_view import alert_lines, case_lines, case_row
from server_stub.console.terminal import _, say, show
from sync.protocol.errors import ProtocolError

Handler = Callable[[argparse.Namespace], int]

_REFUSALS = {
    "no_consent": _("The reporter did not agree to warn others, so this report cannot "
                    "become an alert."),
    "case_closed": _("This case is closed."),
    "no_incident_types": _("The report does not say what happened."),
    "no_area": _("The report does not say where it happened."),
    "area_too_broad": _("The report's area is too broad for any region's alerts."),
    "no_date": _("The report does not say when it happened."),
    "empty_summary": _("Nothing is left of the summary once contact details are removed."),
    "bad_severity": _("Severity must be low, medium or high."),
    "bad_expiry": _("An alert must last between 1 and 730 days."),
}


def guarded(handler: Handler) -> Handler:
    """Run ``handler``, turning console errors into a message and an exit code."""
    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except ConsoleError as exc:
            return _explain(exc)
        except ProtocolError:
            say(_("A signed file did not verify against the console's trust root."))
            return term.EXIT_REFUSED
        except KeyboardInterrupt:
            return term.EXIT_REFUSED
        except SystemExit as stop:  # the terminal helpers stop on missing settings
            return stop.code if isinstance(stop.code, int) else term.EXIT_USAGE
    return run


@guarded
def run_keys_init(args: argparse.Namespace) -> int:
    paths = ConsolePaths(term.console_dir(args))
    if paths.keys_dir.exists() or paths.casework.exists():
        raise KeysExistError("keys exist")
    passphrase = term.read_passphrase(new=True)
    params = term.kdf_params(args)
    created = init_keys(paths, passphrase, params=params)
    Casework.create(paths.casework, passphrase, params=params).close()
    show(created.trust.raw.decode("utf-8"))
    say(_("Created the organisation's keys and casework store in %(dir)s.") % {
        "dir": paths.base})
    say(_("The app pins %(trust)s. The relay needs %(root)s (relay serve --root).") % {
        "trust": paths.trust, "root": paths.root})
    say(_("Report key fingerprint: %(fp)s") % {"fp": created.report_fingerprint})
    say(_("Publisher key id: %(pub)s; root key id: %(root)s. Keep root.key offline: it is "
          "only needed to change keys.") % {"pub": created.publisher_key_id,
                                            "root": created.root_key_id})
    return term.EXIT_OK


@guarded
def run_pull(args: argparse.Namespace) -> int:
    paths = ConsolePaths(term.console_dir(args))
    config, token = term.relay_config(args), term.org_token(args)
    passphrase = term.read_passphrase()
    report_key = load_report_key(paths, passphrase)
    with (Casework.open(paths.casework, passphrase) as casework,
          OrgRelayClient.connect(config, token) as client):
        result = pull(client, casework, report_key)
    return _report_pull(result)


@guarded
def run_reports_list(args: argparse.Namespace) -> int:
    areas = AreaTaxonomy.load()
    with _open_casework(args) as casework:
        cases = casework.cases()
    if not cases:
        say(_("There are no reports yet."))
    for case in cases:
        show(case_row(case, areas, _))
    return term.EXIT_OK


@guarded
def run_reports_show(args: argparse.Namespace) -> int:
    with _open_casework(args) as casework:
        case = casework.case(args.case_id)
    for line in case_lines(case, AreaTaxonomy.load(), _):
        show(line)
    return term.EXIT_OK


@guarded
def run_alert_create(args: argparse.Namespace) -> int:
    request = AlertRequest(summary=args.summary, severity=args.severity,
                           expires_in=dt.timedelta(days=args.expires_days))
    areas, now = AreaTaxonomy.load(), _now()
    with _open_casework(args) as casework:
        if args.dry_run:
            alert = build_alert(casework.case(args.case_id), areas, request, now)
            preview = StoredAlert(alert, args.case_id, alert.regions[0], AlertStatus.ACTIVE, now)
            for line in alert_lines(preview, now, _):
                show(line)
            say(_("Not stored (dry run)."))
            return term.EXIT_OK
        stored = create_alert(casework, args.case_id, areas, request, now)
    for line in alert_lines(stored, now, _):
        show(line)
    say(_("Stored. It goes to phones with the next: publish --region %(region)s") % {
        "region": stored.region})
    return term.EXIT_OK


@guarded
def run_alert_expire(args: argparse.Namespace) -> int:
    with _open_casework(args) as casework:
        casework.expire_alert(args.alert_id)
    say(_("Expired. Phones drop it when its region is next published."))
    return term.EXIT_OK


@guarded
def run_alert_list(args: argparse.Namespace) -> int:
    now = _now()
    with _open_casework(args) as casework:
        alerts = casework.alerts()
    if not alerts:
        say(_("There are no alerts yet."))
    for stored in alerts:
        show("\n".join(alert_lines(stored, now, _)) + "\n")
    return term.EXIT_OK


@guarded
def run_publish(args: argparse.Namespace) -> int:
    paths = ConsolePaths(term.console_dir(args))
    config, token = term.relay_config(args), term.org_token(args)
    passphrase = term.read_passphrase()
    key = load_publisher_key(paths, passphrase)
    with (Casework.open(paths.casework, passphrase) as casework,
          OrgRelayClient.connect(config, token) as client):
        publisher = Publisher(key, load_trust_file(paths), casework, client)
        published = publish_alerts(publisher, args.region, AreaTaxonomy.load(), _now(),
                                   validity=dt.timedelta(days=args.valid_days))
    say(_("Published version %(version)d of the alerts for %(region)s with %(count)d "
          "alert(s).") % {"version": published.version, "region": args.region,
                          "count": published.item_count})
    return term.EXIT_OK


@guarded
def run_directory_check(args: argparse.Namespace) -> int:
    directory = load_directory(args.file, AreaTaxonomy.load())
    say(_("The directory is valid: %(count)d service(s), reviewed on %(day)s.") % {
        "count": len(directory.items), "day": directory.reviewed_on})
    return term.EXIT_OK


@guarded
def run_directory_publish(args: argparse.Namespace) -> int:
    paths = ConsolePaths(term.console_dir(args))
    directory = load_directory(args.file, AreaTaxonomy.load())
    relay = None if args.no_upload else (term.relay_config(args), term.org_token(args))
    passphrase = term.read_passphrase()
    key = load_publisher_key(paths, passphrase)
    with Casework.open(paths.casework, passphrase) as casework:
        client = None if relay is None else OrgRelayClient.connect(*relay)
        try:
            publisher = Publisher(key, load_trust_file(paths), casework, client)
            published = publish_directory(publisher, directory, _now(), ship_dir=args.ship,
                                          validity=dt.timedelta(days=args.valid_days))
        finally:
            if client is not None:
                client.close()
    say(_("Signed version %(version)d of the directory (%(count)d services).") % {
        "version": published.version, "count": published.item_count})
    if not published.uploaded:
        say(_("Not uploaded (--no-upload)."))
    if args.ship is not None:
        say(_("Wrote the copy for the app to %(dir)s.") % {"dir": args.ship})
    return term.EXIT_OK


def _open_casework(args: argparse.Namespace) -> Casework:
    paths = ConsolePaths(term.console_dir(args))
    return Casework.open(paths.casework, term.read_passphrase())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _report_pull(result: PullResult) -> int:
    say(_("Stored %(new)d new report(s); %(held)d were already here; the relay let go of "
          "%(acked)d.") % {"new": len(result.stored), "held": result.already_held,
                           "acked": result.acknowledged})
    for failure in result.failed:
        say(_("Could not open envelope %(id)s (%(reason)s); it stays on the relay.") % {
            "id": failure.relay_id, "reason": failure.reason.value})
    if result.failed:
        say(_("%(count)d envelope(s) could not be opened.") % {"count": len(result.failed)})
    if result.error is not None:
        say(_("The relay stopped answering part-way. Nothing is lost: pull again later."))
    return term.EXIT_OK if result.complete and not result.failed else term.EXIT_REFUSED


def _explain(exc: ConsoleError) -> int:
    if isinstance(exc, WrongPassphraseError) and exc.retry_after > 0:
        say(_("That passphrase does not open the console. Wait %(seconds)d seconds before "
              "trying again.") % {"seconds": round(exc.retry_after)})
        return term.EXIT_REFUSED
    if isinstance(exc, WrongPassphraseError):
        say(_("That passphrase does not open the console."))
        return term.EXIT_REFUSED
    if isinstance(exc, NotInitialisedError):
        say(_("The console directory is not set up yet: run keys init."))
        return term.EXIT_MISSING
    if isinstance(exc, KeysExistError):
        say(_("This console directory already has keys; they are never replaced."))
        return term.EXIT_USAGE
    if isinstance(exc, KeystoreError):
        say(_("The key files are damaged or do not belong to this console."))
        return term.EXIT_REFUSED
    if isinstance(exc, CaseNotFoundError | AlertNotFoundError):
        say(_("There is nothing with that id."))
        return term.EXIT_MISSING
    if isinstance(exc, AlertRefusedError):
        say(_REFUSALS.get(exc.reason, _("This report cannot become an alert.")))
        return term.EXIT_REFUSED
    return _explain_other(exc)


def _explain_other(exc: ConsoleError) -> int:
    if isinstance(exc, RegionError):
        say(_("That is not a region with its own alerts (try uk.eng.wm or uk.sct)."))
        return term.EXIT_USAGE
    if isinstance(exc, DirectoryError):
        say(_("The directory is not valid: %(problem)s") % {"problem": str(exc)})
        return term.EXIT_REFUSED
    if isinstance(exc, RelayUnreachableError):
        say(_("The relay did not answer. Nothing was changed on it."))
    elif isinstance(exc, RelayRefusedError):
        say(_("The relay refused (%(status)d %(code)s).") % {
            "status": exc.status, "code": exc.code or ""})
    else:
        say(_("The console could not do that: %(problem)s") % {"problem": type(exc).__name__})
    return term.EXIT_REFUSED
