"""Logging that cannot give a client away.

The relay writes no access log at all. What remains (start-up, shutdown, errors) goes
through :class:`RedactingFilter`, attached to the one handler, which

- replaces anything that looks like an IPv4 or IPv6 address with ``[address]``, so
  neither a client's address nor the bind address reaches the log; and
- replaces an exception's message and traceback text with its type and the frames
  (file, line, function): exception messages can quote input, such as a validation
  error echoing a field or a database error echoing parameters.

Lines carry no timestamp: the service manager (journald, Docker) adds its own, and a
timestamp on an error raised while a report arrived would say when it arrived.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

LOGGER_NAME = "brolly.relay"
REDACTED = "[address]"

_IPV4 = r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"
# Three or more colon-separated hex groups, or anything with "::" in it: over-matches a
# little (which only hides harmless text), never under-matches an address.
_IPV6 = (r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}(?![\w:])"
         r"|(?<![\w:])[0-9A-Fa-f:]*::[0-9A-Fa-f:.]*(?![\w:])")
ADDRESS_PATTERN = re.compile(f"{_IPV6}|{_IPV4}")


def redact(text: str) -> str:
    """``text`` with every address-like substring replaced."""
    return ADDRESS_PATTERN.sub(REDACTED, text)


def describe_exception(exc_info: Any) -> str:
    """Type and frames of an exception, without its message."""
    etype, _value, tb = exc_info
    if etype is None:
        return ""
    frames = traceback.extract_tb(tb)[-8:]
    where = " <- ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"[{etype.__name__}] {where}".rstrip()


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so that no formatter can put an address back."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not take the message through raw
            message = f"unformattable log message from {record.name}"
        if record.exc_info:
            message = f"{message} {describe_exception(record.exc_info)}"
            record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        record.msg = redact(message)
        record.args = None
        return True


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping for the relay and uvicorn."""
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "plain",
        "filters": ["redact"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactingFilter}},
        "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # Belt and braces: access logging is also switched off in the server.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            LOGGER_NAME: {"handlers": ["stderr"], "level": level, "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def get_logger() -> logging.Logger:
    """The relay's own logger."""
    return logging.getLogger(LOGGER_NAME)
