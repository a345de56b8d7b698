"""The `alone` mark, for tests that assert what PostgreSQL's snapshot does (the figures' cache keeps a
value while no transaction has ended anywhere on the server): under pytest-xdist such a test runs
while the other workers wait between their tests, as if the suite ran in one process.

Every other test holds a shared lock on a file of the run while it is set up, run and torn down; an
`alone` test holds it exclusively. A worker takes a second lock, the gate, before either, so a
waiting `alone` test is not passed over by the next tests of the others."""

from __future__ import annotations

import fcntl
import functools
from pathlib import Path

import pytest


class Locks:
    def __init__(self, folder: Path):
        self.gate = open(folder / "alone.gate", "a")
        self.room = open(folder / "alone.room", "a")

    def enter(self, alone: bool) -> None:
        fcntl.flock(self.gate, fcntl.LOCK_EX)
        fcntl.flock(self.room, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(self.gate, fcntl.LOCK_UN)

    def leave(self) -> None:
        fcntl.flock(self.room, fcntl.LOCK_UN)
        fcntl.flock(self.gate, fcntl.LOCK_UN)


@functools.cache
def locks_of_the_run(folder: Path) -> Locks:
    return Locks(folder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not hasattr(item.config, "workerinput"):  # one process: nothing runs beside the test
        return (yield)
    # The workers' temporary folders are side by side in the run's own.
    locks = locks_of_the_run(Path(item.config.option.basetemp).parent)
    locks.enter(item.get_closest_marker("alone") is not None)
    try:
        return (yield)
    finally:
        locks.leave()
