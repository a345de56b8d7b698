"""gunicorn's settings, shared by the deployed site (emergency-web.service) and the bench's HTTP
load (bench/run.py), so the figures are those of the site as deployed."""

import multiprocessing

bind = "127.0.0.1:8000"
# Pages wait mostly on PostgreSQL: two processes a core, two threads each.
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "gthread"
threads = 2
timeout = 120  # an export or a preview of a large upload in the request
# The application (and its warm-up: emergency/wsgi.py) loaded once in the master, before the
# workers fork: no worker pays for importing views and compiling templates in its first requests.
preload_app = True
