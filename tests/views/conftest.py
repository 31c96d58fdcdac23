"""Fixtures of the window tests: the sample project, built once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The bundled sample project (copy it before changing it)."""
    from app.core.demo import ensure_sample

    return ensure_sample(tmp_path_factory.mktemp("sample"))
