"""The log filter: no address of any shape, no exception messages, and the relay's log
configuration wires it to every handler."""

from __future__ import annotations

import logging
import sys

import pytest

from server_stub.relay.logs import ADDRESS_PATTERN, RedactingFilter, log_config, redact


@pytest.mark.parametrize("address", [
    "127.0.0.1", "203.0.113.77", "10.0.0.255", "::1", "2001:db8::1", "fe80::a:b:c:d",
    "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.1", "[::1]:8080"])
def test_addresses_are_redacted(address: str) -> None:
    text = f"connection from {address} closed"
    assert "[address]" in redact(text)
    assert not ADDRESS_PATTERN.search(redact(text))
    bare = address.removeprefix("[").removesuffix("]:8080")
    assert bare not in redact(text)


@pytest.mark.parametrize("text", ["started at 12:30:45", "version 1.2.3", "HTTP/1.1 200",
                                  "relay starting on port 8080"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_redacts_arguments_and_drops_exception_text() -> None:
    try:
        raise ValueError("input was 203.0.113.77 secret-body")
    except ValueError as caught:
        record = _record("request from %s failed", "198.51.100.4", exc=caught)
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter("%(message)s").format(record)
    assert "198.51.100.4" not in formatted
    assert "203.0.113.77" not in formatted
    assert "secret-body" not in formatted
    assert "[ValueError]" in formatted
    assert record.exc_info is None


def test_config_routes_everything_through_the_filter() -> None:
    config = log_config("INFO")
    assert config["handlers"]["stderr"]["filters"] == ["redact"]
    assert config["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    assert "asctime" not in config["formatters"]["plain"]["format"]
    assert sys.stderr is not None
