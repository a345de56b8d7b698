"""The benchmark harness (`python -m bench.run`, `make bench`): not part of the application."""
