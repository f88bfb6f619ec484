"""Soak driver for Tally: a fixed rate of mixed reads and writes for a fixed time, sampled each minute.

    python3 bench/soak/driver.py --url http://127.0.0.1:PORT --key tly_... --pid SERVER_PID \
        --rate 200 --minutes 30 --csv out.csv [--users 20] [--sample-seconds 60] [--seed 1]

Standard library only. The schedule is open-loop (as wrk2 does it): request i is due at
start + i / rate whatever happened to the earlier ones, and its latency is measured from when it was
due, so a stalled server shows up as latency instead of as a lower rate (no coordinated omission).
A pool of worker threads, each with its own keep-alive connection, sends the requests.

Each sample (one a minute by default) records the server's VmRSS and VmHWM from /proc/PID/status,
its open file descriptors (entries of /proc/PID/fd) and how many of them are sockets (the driver
keeps up to --workers keep-alive connections open), its threads, the database's size on disk,
and for the requests completed in that interval: count, non-2xx answers, transport failures,
latency p50/p99/max. Any non-2xx answer (429 included) is an error. Exit status 1 when there were
errors, else 0.
"""
import argparse
import csv
import datetime
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
from collections import Counter, deque


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--rate", type=float, default=200.0)
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--sample-seconds", type=float, default=60.0)
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--workers", type=int, default=32)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--database", default="", help="the SQLite file, to report its size")
    p.add_argument("--csv", required=True)
    p.add_argument("--first-user", default="soak000", help="the user the CLI created")
    return p.parse_args()


class Client:
    """One keep-alive HTTP/1.1 connection per thread."""

    def __init__(self, url, key):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        self.local = threading.local()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.local.conn = conn
        return conn

    def request(self, method, path, body=None, extra_headers=None):
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if extra_headers:
            headers.update(extra_headers)
        for attempt in (0, 1):
            conn = self.connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                return response.status, payload
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                # A keep-alive connection the server closed while idle: reconnect once, but only
                # when nothing may have reached the server (idempotent reads) or on the first try.
                conn.close()
                self.local.conn = None
                if attempt == 1 or method not in ("GET",):
                    raise error
        raise RuntimeError("unreachable")


class Workload:
    """The mix. Writes go to unique (user, date) pairs, so no POST /v1/daily-logs ever conflicts."""

    MIX = [  # (weight, name)
        (22, "GET /v1/daily-logs?date"),
        (8, "GET /v1/daily-logs?user_id"),
        (5, "GET /v1/daily-logs/{id}"),
        (12, "GET /v1/users"),
        (13, "POST /v1/daily-logs"),
        (8, "PATCH /v1/daily-logs/{id}"),
        (10, "POST /v1/appointments"),
        (14, "GET /v1/appointments"),
        (4, "GET /v1/appointments/{id}"),
        (4, "PATCH /v1/appointments/{id}"),
    ]

    def __init__(self, client, users, seed):
        self.client = client
        self.users = users
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.next_log = 0
        self.log_ids = deque(maxlen=5000)
        self.log_dates = deque(maxlen=5000)
        self.appointment_ids = deque(maxlen=5000)
        self.start_day = datetime.date(2000, 1, 1)
        names = [name for _, name in self.MIX]
        weights = [weight for weight, _ in self.MIX]
        self.plan = lambda: self.rng.choices(names, weights)[0]

    def choose(self):
        """Picks the next request in the scheduler thread (deterministic for a seed)."""
        with self.lock:
            name = self.plan()
            user = self.users[self.rng.randrange(len(self.users))]
            arg = None
            if name == "POST /v1/daily-logs":
                n = self.next_log
                self.next_log += 1
                user = self.users[n % len(self.users)]
                arg = (self.start_day + datetime.timedelta(days=n // len(self.users))).isoformat()
            elif name == "GET /v1/daily-logs?date":
                arg = self.log_dates[self.rng.randrange(len(self.log_dates))] if self.log_dates else "2000-01-01"
            elif name.endswith("daily-logs/{id}"):
                if not self.log_ids:
                    name, arg = "GET /v1/users", None
                else:
                    arg = self.log_ids[self.rng.randrange(len(self.log_ids))]
            elif name.endswith("appointments/{id}"):
                if not self.appointment_ids:
                    name, arg = "GET /v1/appointments", None
                else:
                    arg = self.appointment_ids[self.rng.randrange(len(self.appointment_ids))]
            number = self.rng.randrange(1000)
            return name, user, arg, number

    def run(self, name, user, arg, number):
        c = self.client
        if name == "GET /v1/daily-logs?date":
            return c.request("GET", f"/v1/daily-logs?date={arg}")
        if name == "GET /v1/daily-logs?user_id":
            return c.request("GET", f"/v1/daily-logs?user_id={user}&limit=50")
        if name == "GET /v1/daily-logs/{id}":
            return c.request("GET", f"/v1/daily-logs/{arg}")
        if name == "GET /v1/users":
            return c.request("GET", "/v1/users")
        if name == "POST /v1/daily-logs":
            status, body = c.request("POST", "/v1/daily-logs", {
                "user_id": user, "date": arg, "reviews": number % 9, "demos": number % 4, "callbacks": number % 5,
            }, {"Idempotency-Key": f"soak-log-{user}-{arg}"})
            if status == 201:
                with self.lock:
                    self.log_ids.append(json.loads(body)["id"])
                    self.log_dates.append(arg)
            return status, body
        if name == "PATCH /v1/daily-logs/{id}":
            return c.request("PATCH", f"/v1/daily-logs/{arg}", {"reviews": number % 20, "notes": f"soak {number}"})
        if name == "POST /v1/appointments":
            day = datetime.date(2026, 1, 1) + datetime.timedelta(days=number % 365)
            status, body = c.request("POST", "/v1/appointments", {
                "user_id": user, "customer_name": f"Familie {number}",
                "appointment_date": f"{day.isoformat()}T{9 + number % 9:02d}:00:00+01:00",
                "duration_minutes": 30 + number % 90, "windows": number % 12,
            })
            if status == 201:
                with self.lock:
                    self.appointment_ids.append(json.loads(body)["id"])
            return status, body
        if name == "GET /v1/appointments":
            return c.request("GET", f"/v1/appointments?user_id={user}&from=2026-01-01&to=2026-03-31&limit=50")
        if name == "GET /v1/appointments/{id}":
            return c.request("GET", f"/v1/appointments/{arg}")
        if name == "PATCH /v1/appointments/{id}":
            status = ["scheduled", "completed", "cancelled", "no_show"][number % 4]
            return c.request("PATCH", f"/v1/appointments/{arg}", {"status": status, "metadata": {"touched": number}})
        raise ValueError(name)


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[index]


def proc_sample(pid, database):
    rss = hwm = threads = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = sockets = 0
    for entry in os.listdir(f"/proc/{pid}/fd"):
        fds += 1
        try:
            if os.readlink(f"/proc/{pid}/fd/{entry}").startswith("socket:"):
                sockets += 1
        except OSError:
            pass
    db_bytes = 0
    if database:
        for suffix in ("", "-wal", "-shm"):
            try:
                db_bytes += os.path.getsize(database + suffix)
            except OSError:
                pass
    return {"rss_kib": rss, "hwm_kib": hwm, "fds": fds, "sockets": sockets, "threads": threads, "db_bytes": db_bytes}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()
        self.total = 0
        self.total_errors = 0
        self.total_transport = 0
        self.statuses = Counter()
        self.error_examples = {}
        self.per_op = Counter()

    def reset(self):
        self.latencies = []
        self.count = 0
        self.errors = 0
        self.transport = 0
        self.late = 0

    def record(self, name, status, latency, body=None, late=False):
        with self.lock:
            self.count += 1
            self.total += 1
            self.per_op[name] += 1
            self.latencies.append(latency)
            if late:
                self.late += 1
            if status is None:
                self.transport += 1
                self.total_transport += 1
                self.statuses["transport"] += 1
                self.error_examples.setdefault(("transport", name), body)
            else:
                self.statuses[status] += 1
                if not 200 <= status < 300:
                    self.errors += 1
                    self.total_errors += 1
                    self.error_examples.setdefault((status, name), (body or b"")[:300])

    def take(self):
        with self.lock:
            snapshot = (sorted(self.latencies), self.count, self.errors, self.transport, self.late)
            self.reset()
            return snapshot


def main():
    args = parse_args()
    client = Client(args.url, args.key)

    # More users, through the API (the CLI made the first one and the key).
    users = [args.first_user]
    for n in range(1, args.users):
        user_id = f"soak{n:03d}"
        status, body = client.request("POST", "/v1/users", {"id": user_id, "name": f"Soak Rep {n}", "timezone": "Europe/Amsterdam"})
        if status not in (201, 409):
            sys.exit(f"driver: creating {user_id} answered {status}: {body[:200]!r}")
        users.append(user_id)

    workload = Workload(client, users, args.seed)
    stats = Stats()
    duration = args.minutes * 60.0
    interval = 1.0 / args.rate
    fields = ["minute", "elapsed_s", "requests", "rate_per_s", "non_2xx", "transport_errors", "late_starts",
              "p50_ms", "p99_ms", "max_ms", "rss_kib", "hwm_kib", "fds", "sockets", "threads", "db_bytes"]
    csv_file = open(args.csv, "w", newline="")
    writer = csv.DictWriter(csv_file, fieldnames=fields)
    writer.writeheader()

    header = (f"{'min':>4} {'elapsed':>8} {'reqs':>6} {'req/s':>6} {'non2xx':>6} {'xport':>5} "
              f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'RSS MiB':>8} {'HWM MiB':>8} {'fds':>5} {'socks':>5} {'thr':>4} {'db MiB':>7}")
    print(header, flush=True)

    rows = []
    last_emit = [None]

    def emit(minute, elapsed, snapshot):
        lat, count, errors, transport, late = snapshot
        proc = proc_sample(args.pid, args.database)
        row = {
            "minute": minute, "elapsed_s": round(elapsed, 1), "requests": count,
            "rate_per_s": round(count / (elapsed - last_emit[0]), 1) if last_emit[0] is not None and elapsed > last_emit[0] else 0.0,
            "non_2xx": errors, "transport_errors": transport, "late_starts": late,
            "p50_ms": round(percentile(lat, 0.50) * 1000, 2) if lat else "",
            "p99_ms": round(percentile(lat, 0.99) * 1000, 2) if lat else "",
            "max_ms": round(lat[-1] * 1000, 2) if lat else "",
            **proc,
        }
        last_emit[0] = elapsed
        rows.append(row)
        writer.writerow(row)
        csv_file.flush()
        fmt = lambda v, w: f"{v:>{w}}" if v != "" else f"{'-':>{w}}"
        print(f"{minute:>4} {row['elapsed_s']:>8} {count:>6} {row['rate_per_s']:>6} {errors:>6} {transport:>5} "
              f"{fmt(row['p50_ms'], 7)} {fmt(row['p99_ms'], 7)} {fmt(row['max_ms'], 7)} "
              f"{proc['rss_kib'] / 1024:>8.1f} {proc['hwm_kib'] / 1024:>8.1f} {proc['fds']:>5} {proc['sockets']:>5} {proc['threads']:>4} "
              f"{proc['db_bytes'] / 1048576:>7.1f}", flush=True)

    # Baseline before any load (after the users were made).
    emit(0, 0.0, stats.take())

    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=args.workers)
    inflight = threading.BoundedSemaphore(args.workers * 8)

    def job(name, user, arg, number, due):
        try:
            started_late = time.monotonic() - due > 0.05
            try:
                status, body = workload.run(name, user, arg, number)
            except Exception as error:  # noqa: BLE001 - every failure is counted
                stats.record(name, None, time.monotonic() - due, repr(error), started_late)
                return
            stats.record(name, status, time.monotonic() - due, body, started_late)
        finally:
            inflight.release()

    start = time.monotonic()
    next_sample = start + args.sample_seconds
    minute = 0
    i = 0
    while True:
        due = start + i * interval
        now = time.monotonic()
        if due >= start + duration:
            break
        if now >= next_sample:
            minute += 1
            emit(minute, now - start, stats.take())
            next_sample += args.sample_seconds
            continue
        if due > now:
            time.sleep(min(due, next_sample) - now)
            continue
        inflight.acquire()
        name, user, arg, number = workload.choose()
        pool.submit(job, name, user, arg, number, due)
        i += 1
    pool.shutdown(wait=True)
    end = time.monotonic()
    if stats.count or minute == 0:
        minute += 1
        emit(minute, end - start, stats.take())
    csv_file.close()

    first = rows[0]
    loaded = [r for r in rows[1:] if r["requests"]]
    last = rows[-1]
    first_loaded = loaded[0] if loaded else last
    print()
    print(f"requests sent: {stats.total} in {end - start:.1f} s ({stats.total / (end - start):.1f}/s, target {args.rate:g}/s)")
    print(f"non-2xx answers: {stats.total_errors}; transport failures: {stats.total_transport}")
    print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items(), key=lambda kv: str(kv[0]))))
    for (status, name), example in sorted(stats.error_examples.items(), key=lambda kv: str(kv[0])):
        print(f"  e.g. {status} from {name}: {example!r}")
    print("per operation: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.per_op.items())))
    print(f"{'':>22} {'start':>10} {'end':>10}")
    print(f"{'RSS (MiB)':>22} {first['rss_kib'] / 1024:>10.1f} {last['rss_kib'] / 1024:>10.1f}")
    print(f"{'RSS peak, HWM (MiB)':>22} {first['hwm_kib'] / 1024:>10.1f} {last['hwm_kib'] / 1024:>10.1f}")
    print(f"{'open fds':>22} {first['fds']:>10} {last['fds']:>10}")
    print(f"{'of them sockets':>22} {first['sockets']:>10} {last['sockets']:>10}")
    print(f"{'threads':>22} {first['threads']:>10} {last['threads']:>10}")
    print(f"{'database (MiB)':>22} {first['db_bytes'] / 1048576:>10.1f} {last['db_bytes'] / 1048576:>10.1f}")
    print(f"{'p50 (ms), first/last':>22} {first_loaded['p50_ms']:>10} {last['p50_ms']:>10}")
    print(f"{'p99 (ms), first/last':>22} {first_loaded['p99_ms']:>10} {last['p99_ms']:>10}")
    print(f"csv: {args.csv}")
    sys.exit(1 if stats.total_errors or stats.total_transport else 0)


if __name__ == "__main__":
    main()
