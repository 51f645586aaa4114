"""Shared fixtures for the core tests."""

from __future__ import annotations

import pytest

from app.core.areas import AreaTaxonomy


@pytest.fixture(scope="session")
def areas() -> AreaTaxonomy:
    """The shipped area taxonomy, loaded once."""
    return AreaTaxonomy.load()
