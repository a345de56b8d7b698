"""Figures the reliability suite reports (bad inputs tried, URL × role checks, rows lost), printed at
the end of the run so they can be copied into the issue note. Under pytest-xdist each worker hands
its own to the run's terminal as it finishes."""

from __future__ import annotations

from collections import Counter

import pytest

FIGURES: Counter = Counter()


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["figures"] = dict(FIGURES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    FIGURES.update(getattr(node, "workeroutput", {}).get("figures", {}))


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
