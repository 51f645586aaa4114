"""Marking strings for translation in code that must not depend on a UI.

The core returns message ids marked with :func:`N_`; whoever shows them translates
them with the user's catalogue (see app.i18n). Babel's extractor knows ``N_``.
"""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext_noop name
    """Mark a string for extraction without translating it here."""
    return message
