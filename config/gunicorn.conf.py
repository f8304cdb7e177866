"""gunicorn's configuration for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Measured on two cores (issue 18, docs/exploitation.md « Dimensionnement »): pages are CPU-bound in
Python, so one worker process per core, each with a few threads to overlap the database round trips.
Every value can be changed through the environment without editing this file.
"""

import multiprocessing
import os

from config.gunicorn_logging import ACCESS_LOG_FORMAT

bind = os.environ.get("PARCOURS_BIND", "127.0.0.1:8000")
# One process per core uses every core; WEB_CONCURRENCY is the usual override.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
# 8 threads: compared in the same run, alternated twice (issue 18, docs/exploitation.md « Dimensionnement »),
# 2 x 8 served more pages at a lower p95 than 2 x 4, 4 x 2 and 3 x 4: a thread waiting on PostgreSQL
# leaves the process's core to another one.
threads = int(os.environ.get("PARCOURS_THREADS", 8))
# Behind the reverse proxy, keep-alive between proxy and gunicorn only pins a client's connections
# to one worker (the load test left one core idle with it): each request is balanced afresh.
keepalive = int(os.environ.get("PARCOURS_KEEPALIVE", 0))
timeout = int(os.environ.get("PARCOURS_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then, so that slow growth of memory never reaches the machine's limit.
max_requests = 5000
max_requests_jitter = 500
# The application is imported once, before forking: faster start, shared memory pages.
preload_app = True
# The access log never holds query strings: a household search puts a name in `?q=` (no personal
# data in logs). %(U)s is the path alone.
accesslog = os.environ.get("PARCOURS_ACCESS_LOG", "-")
# Written by config/gunicorn_logging.py from these six fields only (gunicorn's own logger builds every
# header and the whole environ into a dictionary at each request first).
access_log_format = ACCESS_LOG_FORMAT
logger_class = "config.gunicorn_logging.AccessLogger"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
