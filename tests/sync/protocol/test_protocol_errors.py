"""The exception tree: the docstring drawing must match the classes."""

from __future__ import annotations

import re

import pytest

from sync.protocol import errors

_TREE_LINE = re.compile(r"^(?P<indent>[ │├└─]*)(?P<name>[A-Z][A-Za-z]+Error)\b")


def _drawn_tree() -> dict[str, str | None]:
    """Map each class named in the docstring drawing to the class drawn as its parent."""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        match = _TREE_LINE.match(line[4:]) if line.startswith("    ") else None
        if match is None:
            continue
        depth = len(match["indent"])
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[match["name"]] = stack[-1][1] if stack else None
        stack.append((depth, match["name"]))
    return parents


def test_docstring_draws_every_error_class() -> None:
    # Given the classes defined in errors.py
    defined = {name for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, Exception)}
    # When the drawing is read
    drawn = _drawn_tree()
    # Then it names exactly those classes
    assert set(drawn) == defined


def test_docstring_parents_are_the_real_base_classes() -> None:
    # Given the drawn tree
    drawn = _drawn_tree()
    # Then every class derives directly from the class drawn above it
    for name, parent in drawn.items():
        cls = getattr(errors, name)
        expected = ValueError if parent is None else getattr(errors, parent)
        assert cls.__bases__ == (expected,), name


@pytest.mark.parametrize("name", sorted(_drawn_tree()))
def test_every_error_is_a_protocol_error_and_a_value_error(name: str) -> None:
    # Given any protocol error class
    cls = getattr(errors, name)
    # Then callers can catch it as ProtocolError, and pydantic as ValueError
    assert issubclass(cls, errors.ProtocolError)
    assert issubclass(cls, ValueError)
    assert cls.__doc__


def test_the_specified_hierarchy() -> None:
    # Given the hierarchy the protocol documents
    # Then the important groupings hold
    assert issubclass(errors.PaddingError, errors.EnvelopeError)
    for cls in (errors.SignatureError, errors.UnknownKeyError, errors.RollbackError,
                errors.ExpiredError, errors.WrongBundleError, errors.MalformedBundleError,
                errors.BundleTooLargeError):
        assert issubclass(cls, errors.BundleError)
    assert issubclass(errors.SolveStoppedError, errors.ProofOfWorkError)
