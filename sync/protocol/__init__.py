"""The wire protocol shared by the app, the relay and the console. No I/O whatsoever.

Feed it bytes, get values or an exception; the callers own sockets, files and clocks.

    errors    the exception tree (every verifying function raises, none returns False)
    codec     strict readers for JSON values: base64, UTC timestamps, exact key sets
    padding   fixed-size buckets that hide how long a report is
    envelope  reports sealed with HPKE (X-Wing, HKDF-SHA256, ChaCha20-Poly1305)
    pow       hashcash-style proof of work for the relay's spam brake
    signing   the signed-file layout, key ids and Ed25519 checks
    root      the pinned trust root and its rotation
    bundle    signed alerts, directory and areas bundles
    delta     patches that turn a held alerts bundle into the newer one
    alert     the alert item schema inside an alerts bundle
    followup  receipt codes, mailbox tokens and sealed replies for anonymous follow-up
    messages  JSON bodies of the relay API
    outbox    the client's outbox states and transitions, in one table
    backoff   retry timing for the sync engine

docs/PROTOCOL.md describes every format byte by byte, with test vectors.
"""
