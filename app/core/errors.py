"""Errors raised by the core. User input never raises: validation returns problems.

    CoreError
    ├── CanonicalError      bytes or values that are not canonical JSON
    ├── ReportFormatError   canonical bytes that are not a report this version understands
    ├── UnknownAreaError    an area code that is not in the taxonomy
    └── AreaTaxonomyError   an area file that is unreadable or not a valid tree
"""


class CoreError(Exception):
    """Base class of every error the core raises."""


class CanonicalError(CoreError):
    """A value or byte string is not canonical JSON."""


class ReportFormatError(CoreError):
    """Canonical bytes do not hold a report of a schema version this build understands."""


class UnknownAreaError(CoreError, KeyError):
    """An area code is not in the taxonomy."""


class AreaTaxonomyError(CoreError):
    """An area file cannot be read or does not describe a valid tree (a build error)."""
