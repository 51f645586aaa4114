"""The organisation console: where trust lives. It holds the private keys, opens the sealed
reports the relay passes on, keeps the casework, and signs what phones may believe.

Public surface::

    from server_stub.console.cli import register, main      # `brolly console ...`
    from server_stub.console.keys import ConsolePaths, init_keys, load_report_key,
                                          load_publisher_key, load_trust_file
    from server_stub.console.keystore import seal_key, open_key, write_key_file,
                                              read_key_file
    from server_stub.console.casework import Casework       # the SQLCipher casework store
    from server_stub.console.relay_client import OrgRelayClient, RelayClientConfig
    from server_stub.console.pull import pull
    from server_stub.console.alerts import AlertRequest, build_alert, create_alert
    from server_stub.console.redaction import redact, structured_summary
    from server_stub.console.publish import Publisher, publish_alerts, publish_directory
    from server_stub.console.directory import load_directory, parse_directory

Modules, one concept each: errors, files (atomic private writes), keystore (keys at
rest), keys (key set, root and trust file), casework, relay_client (the only httpx
user), pull, redaction, alerts, directory, publish, report_view (plain words for the
terminal), terminal and cli (the composition root), commands.

Nothing is imported here, so importing one module does not pull in the others.
"""
