"""What an area gives the benchmark's synthetic city (`manage.py bench_data`): each area registers a
`BenchPart` (`registry.register_bench`) the way it registers its demo builder, so the command builds
the tree and asks every area for its rows without knowing any area's models."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

BATCH = 5000  # rows a bulk insert sends at once


class BenchPart:
    """An area's rows in the benchmark city, made anew for each build. `bureaus()` runs once, for the
    city and its districts, before any school; `schools()` for each chunk of schools, in one
    transaction. Both return the rows counted under `label` (the command prints the counts). An
    area whose school rows are of one model names it and yields them from `school_rows()`."""

    label = ""
    model = None

    def bureaus(self, bureaus: list, year: int, rng: random.Random) -> int:
        return 0

    def schools(self, schools: list, year: int, rng: random.Random) -> int:
        if self.model is None:
            return 0
        return bulk(self.model, (row for school in schools for row in self.school_rows(school, year, rng)))

    def school_rows(self, school, year: int, rng: random.Random) -> Iterable:
        return ()


def bulk(model, objs: Iterable) -> int:
    objs = list(objs)
    model.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


def weekday(day: datetime.date) -> datetime.date:
    """The day, or the Friday before it when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day
