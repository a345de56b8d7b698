"""The reliability suite's figures are counted in FIGURES (tests/figures.py prints them)."""

from __future__ import annotations

import pytest

from tests.figures import FIGURES  # noqa: F401 (the suite's modules count through this conftest)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Uploads and attachments made by these tests go to a scratch folder, not the developer's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
