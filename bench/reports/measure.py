#!/usr/bin/env python3
"""HTTP measurements for bench/reports/run.sh (standard library only).

    measure.py report   PORT KEY PATH [--warmup 3] [--runs 30] [--touch DATABASE]
        Sequential GETs on one kept-alive connection; prints one JSON line with the wall times (ms)
        of the measured runs, the response size and the report's row count. With --touch, each
        GET follows a change to one entry's category committed by this process (another process
        than the server), so each report includes catching up with it.

    measure.py overview PORT LOGIN PASSWORD [--rate 50] [--seconds 20]
        Signs in like a browser (GET /sign-in for the tally_form cookie and the csrf input, POST
        the form, keep tally_session), then drives GET / open-loop: request i is due at
        start + i/rate whatever happened to earlier ones, and its latency runs from that due time
        to the last byte of the answer (so a stall counts against every request it delays).
        A response counts as an error unless it is 200 and contains id="week-chart".
"""
import argparse
import http.client
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))  # nearest rank
    return ordered[rank]


def summary(values):
    return {
        "n": len(values),
        "min": min(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values),
    }


def report(args):
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
    headers = {"Authorization": "Bearer " + args.key, "Accept": "application/json"}
    times, size, body = [], 0, b""
    touch = None
    if args.touch:
        import random
        import sqlite3
        database = sqlite3.connect(args.touch, timeout=30)
        ids = [row[0] for row in database.execute("SELECT id FROM time_entries ORDER BY random() LIMIT 1000")]

        def touch():
            database.execute("UPDATE time_entries SET category = ? WHERE id = ?",
                             (random.choice(["Deep work", "Meetings", "Email", "Sport"]), random.choice(ids)))
            database.commit()
    for index in range(args.warmup + args.runs):
        if touch:
            touch()
        began = time.perf_counter()
        connection.request("GET", args.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status != 200:
            sys.exit(f"GET {args.path}: {response.status} {body[:300]!r}")
        size = len(body)
        if index >= args.warmup:
            times.append(elapsed)
    data = json.loads(body)
    result = summary(times)
    result.update(path=args.path + (" after a change" if args.touch else ""), bytes=size, rows=len(data.get("rows", [])),
                  total_hours=round(data.get("total_seconds", 0) / 3600),
                  raw_total_hours=round(data.get("raw_total_seconds", 0) / 3600))
    print(json.dumps(result))


def cookie_from(response, name):
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def sign_in(port, login, password):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    form_token = cookie_from(response, "tally_form")
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    if response.status != 200 or not form_token or not match:
        sys.exit(f"GET /sign-in: {response.status}, no tally_form cookie or csrf input")
    body = urllib.parse.urlencode({"csrf": match.group(1), "login": login, "password": password, "next": "/"})
    connection.request("POST", "/sign-in", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "tally_form=" + form_token})
    response = connection.getresponse()
    response.read()
    session = cookie_from(response, "tally_session")
    if response.status not in (302, 303) or not session:
        sys.exit(f"POST /sign-in: {response.status}, no tally_session cookie")
    return session


def overview(args):
    session = sign_in(args.port, args.login, args.password)
    headers = {"Cookie": "tally_session=" + session, "Accept": "text/html"}
    local = threading.local()

    def fetch(due):
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        sent = time.perf_counter()
        try:
            connection.request("GET", "/", headers=headers)
            response = connection.getresponse()
            body = response.read()
            ok = response.status == 200 and b'id="week-chart"' in body
            detail = None if ok else f"{response.status} {body[:200]!r}"
        except Exception as error:  # a dropped connection is an error, then reconnect
            local.connection = None
            ok, body, detail = False, b"", repr(error)
        finished = time.perf_counter()
        return (finished - due) * 1000, (finished - sent) * 1000, ok, len(body), detail

    # One warm-up request (and the page size).
    warm = fetch(time.perf_counter())
    if not warm[2]:
        sys.exit(f"GET / failed: {warm[4]}")
    total = int(args.rate * args.seconds)
    futures = []
    with ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter() + 0.1
        for index in range(total):
            due = start + index / args.rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(fetch, due))
        results = [future.result() for future in futures]
    elapsed = time.perf_counter() - start
    latencies = [r[0] for r in results if r[2]]
    service = [r[1] for r in results if r[2]]
    errors = [r[4] for r in results if not r[2]]
    result = {"offered_per_s": args.rate, "sent": total, "achieved_per_s": round(total / elapsed, 1),
              "errors": len(errors), "first_error": errors[0] if errors else None, "bytes": warm[3]}
    result.update(summary(latencies or [float("nan")]))
    result["service_p99"] = percentile(service, 99) if service else None
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("report")
    one.add_argument("port", type=int)
    one.add_argument("key")
    one.add_argument("path")
    one.add_argument("--warmup", type=int, default=3)
    one.add_argument("--runs", type=int, default=30)
    one.add_argument("--touch", metavar="DATABASE")
    two = commands.add_parser("overview")
    two.add_argument("port", type=int)
    two.add_argument("login")
    two.add_argument("password")
    two.add_argument("--rate", type=float, default=50)
    two.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    report(args) if args.command == "report" else overview(args)


if __name__ == "__main__":
    main()
