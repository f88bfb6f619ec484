#!/usr/bin/env python3
"""Fills a Tally SQLite database (schema made by `tally`) with a year of realistic time entries.

    gen.py DB --first 2025-11-22 --last 2026-11-21 --per-day 14 [--seed 1]

Users are read from the `users` table (create them with `tally users create` first). Per user and
local day the generator lays out a day of blocks in the user's own time zone (work and coding from
toggl or clockify, a lunch walk and a workout from apple_health, the same gym hour also timed in
toggl so the report's overlap merging has work to do, reading from manual entries, an evening of
Netflix that may run past midnight), with a few minutes of jitter. `--per-day` above the template's
size splits each block into consecutive pieces (what a person who times every task produces).

Rows are written the way the app writes them: instants as GRDB's UTC text
`YYYY-MM-DD HH:MM:SS.SSS`, tags and details as compact JSON, ids `te_` + 26 ULID-like characters,
unique (source, external_id) (manual entries have none, as when created through the API).
"""
import argparse
import datetime as dt
import random
import sqlite3
import sys
import time
from zoneinfo import ZoneInfo

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
UTC = dt.timezone.utc

# (start minute of the local day, minutes, kind, description, category, project)
# kind: "work" (toggl or clockify, per user), "toggl", "health:<activity>", "manual"
WEEKDAY = [
    (8 * 60, 20, "health:Walking", "Walking", "Walking", None),
    (9 * 60, 30, "work", "Standup meeting", "Work", "Tally"),
    (9 * 60 + 30, 90, "work", "Coding: reports", "Coding", "Tally"),
    (11 * 60, 60, "work", "Code review", "Coding", "Tally"),
    (12 * 60, 30, "health:Walking", "Walking", "Walking", None),
    (12 * 60 + 30, 90, "work", "Development: dashboard", "Coding", "Tally"),
    (14 * 60, 60, "work", "Team meeting", "Work", "Tally"),
    (15 * 60, 120, "work", "Coding: sync", "Coding", "Tally"),
    (17 * 60, 30, "work", "Work email", "Work", None),
    (18 * 60, 60, "toggl", "Gym", "Sport", None),
    (18 * 60 + 3, 55, "health:Traditional Strength Training", "Traditional Strength Training", "Sport", None),
    (19 * 60 + 30, 25, "health:Yoga", "Yoga", "Yoga", None),
    (20 * 60, 150, "toggl", "Netflix", "Entertainment", None),  # may run past midnight with jitter
    (22 * 60 + 40, 40, "manual", "Reading a book", "Read", None),
]
WEEKEND = [
    (8 * 60, 25, "toggl", "YouTube", "Entertainment", None),
    (8 * 60 + 30, 30, "health:Yoga", "Yoga", "Yoga", None),
    (9 * 60 + 30, 60, "toggl", "Running", "Sport", None),
    (9 * 60 + 32, 57, "health:Running", "Running", "Sport", None),
    (11 * 60, 90, "manual", "Reading a book", "Read", None),
    (13 * 60, 120, "health:Hiking", "Hiking", "Walking", None),
    (15 * 60 + 30, 60, "toggl", "Coding: side project", "Coding", "Side project"),
    (17 * 60, 45, "toggl", "YouTube", "Entertainment", None),
    (18 * 60, 60, "toggl", "Gym", "Sport", None),
    (18 * 60 + 4, 54, "health:Functional Strength Training", "Functional Strength Training", "Sport", None),
    (19 * 60 + 30, 30, "health:Walking", "Walking", "Walking", None),
    (20 * 60 + 30, 120, "toggl", "Netflix", "Entertainment", None),
    (21 * 60 + 40, 15, "health:Mindful Session", "Mindful Session", "Yoga", None),
    (23 * 60, 45, "manual", "Reading a book", "Read", None),
]
TEMPLATE_AVERAGE = (5 * len(WEEKDAY) + 2 * len(WEEKEND)) / 7


def ulid(millis, rnd):
    head = "".join(ALPHABET[(millis >> shift) & 31] for shift in range(45, -1, -5))
    return head + "".join(rnd.choice(ALPHABET) for _ in range(16))


def text(instant):
    """GRDB's storage of a Date: UTC, millisecond precision."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="milliseconds")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--first", required=True, help="first local day, YYYY-MM-DD")
    parser.add_argument("--last", required=True, help="last local day, YYYY-MM-DD (entries stop before now)")
    parser.add_argument("--per-day", type=float, default=14, help="average entries per user per day")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    first = dt.date.fromisoformat(args.first)
    last = dt.date.fromisoformat(args.last)
    now = dt.datetime.now(UTC)
    pieces = max(1, round(args.per_day / TEMPLATE_AVERAGE))

    con = sqlite3.connect(args.database, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")
    users = con.execute("SELECT id, timezone FROM users ORDER BY id").fetchall()
    if not users:
        sys.exit("no users in the database: create them with `tally users create` first")

    insert = (
        "INSERT INTO time_entries (id, user_id, source, external_id, description, project, tags, category, "
        "start_at, stop_at, timezone, details, created_at, updated_at, category_manual, source_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
    )
    started = time.perf_counter()
    total = 0
    toggl_id = 4_000_000_000
    clockify_id = 0x64F0_0000_0000_0000_0000_0000
    batch = []
    con.execute("BEGIN")
    for number, (user_id, zone_name) in enumerate(users):
        zone = ZoneInfo(zone_name)
        work_source = "toggl" if number % 2 == 0 else "clockify"
        device = "Apple Watch of %s" % user_id
        day = first
        while day <= last:
            template = WEEKDAY if day.weekday() < 5 else WEEKEND
            midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
            for minute, length, kind, description, category, project in template:
                # Wall-clock start with jitter; fold-safe because zoneinfo picks the first occurrence.
                begin = midnight + dt.timedelta(minutes=minute + rnd.randint(-8, 8), seconds=rnd.randint(0, 59))
                begin = begin.astimezone(UTC)
                span = dt.timedelta(minutes=max(5, length + rnd.randint(-10, 10)), seconds=rnd.randint(0, 59))
                step = span / pieces
                for piece in range(pieces):
                    start = begin + step * piece
                    stop = start + step
                    if stop > now:
                        continue
                    changed = stop + dt.timedelta(minutes=1)
                    millis = int(changed.timestamp() * 1000)
                    tags, details, timezone = "[]", "{}", None
                    if kind == "work":
                        source = work_source
                    elif kind.startswith("health:"):
                        source = "apple_health"
                    else:
                        source = kind
                    if source == "toggl":
                        toggl_id += 1
                        external = str(toggl_id)
                    elif source == "clockify":
                        clockify_id += 1
                        external = format(clockify_id, "024x")
                    elif source == "apple_health":
                        activity = kind[7:]
                        # The export's natural key; the device name differs per person.
                        span_key = "%s|%d|%d" % (device, int(start.timestamp()), int(stop.timestamp()))
                        tags = '["%s"]' % device
                        if activity == "Mindful Session":
                            external = "mindful|HKCategoryTypeIdentifierMindfulSession|" + span_key
                        else:
                            external = "workout|%s|%s" % (activity, span_key)
                            details = '{"activity_type":"HKWorkoutActivityType%s"}' % activity.replace(" ", "")
                            timezone = zone_name
                    else:
                        external = None
                    piece_description = description if pieces == 1 else "%s (%d)" % (description, piece + 1)
                    changed_text = text(changed)
                    batch.append((
                        "te_" + ulid(millis, rnd), user_id, source, external, piece_description, project, tags,
                        category, text(start), text(stop), timezone, details, changed_text, changed_text,
                        changed_text if source in ("toggl", "clockify") else None,
                    ))
            day += dt.timedelta(days=1)
            if len(batch) >= 50_000:
                con.executemany(insert, batch)
                total += len(batch)
                batch.clear()
        print(f"  {user_id}: {total + len(batch):,} entries so far ({time.perf_counter() - started:.1f} s)",
              file=sys.stderr)
    con.executemany(insert, batch)
    total += len(batch)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(total)


if __name__ == "__main__":
    main()
