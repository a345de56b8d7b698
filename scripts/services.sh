#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on their local ports, starting the machine's own servers
# when they are installed but stopped; says exactly what is missing otherwise.
set -u
pg_ok() { pg_isready -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" 2>/dev/null; }
redis_ok() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_ok; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is down: starting the installed cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 20); do pg_ok && break; sleep 0.5; done
  fi
  pg_ok || { echo "PostgreSQL is not reachable on 127.0.0.1:5432. Install it (apt-get install postgresql) or set DATABASE_URL." >&2; exit 1; }
fi
if ! redis_ok; then
  if command -v redis-server >/dev/null; then
    echo "Redis is down: starting it"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 20); do redis_ok && break; sleep 0.5; done
  fi
  redis_ok || { echo "Redis is not reachable on 127.0.0.1:6379. Install it (apt-get install redis-server) or set REDIS_URL." >&2; exit 1; }
fi
