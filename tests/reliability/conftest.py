"""Figures the reliability suite reports (bad inputs tried, URL × role checks, rows lost), printed at
the end of the run so they can be copied into the issue note."""

from __future__ import annotations

from collections import Counter

import pytest

FIGURES: Counter = Counter()


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Uploads and attachments made by these tests go to a scratch folder, not the developer's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
