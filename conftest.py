"""Loaded before Django: tests get their own Redis database, so a running development worker never
takes a test's task (and a test never takes one of the development worker's)."""

import os

os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
