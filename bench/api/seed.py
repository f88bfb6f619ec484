"""Fills a Tally server with USERS users x DAYS days of daily logs through the API itself."""
import datetime
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

base, key, users, days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
headers = {"Authorization": f"Bearer {key}"}
session = requests.Session()
for u in range(users):
    session.post(f"{base}/v1/users", headers=headers, json={"id": f"rep{u:03d}", "name": f"Rep {u}"}).raise_for_status()

start = datetime.date(2026, 1, 1)


def post_user(u):
    s = requests.Session()
    for d in range(days):
        day = (start + datetime.timedelta(days=d)).isoformat()
        s.post(f"{base}/v1/daily-logs", headers=headers, json={
            "user_id": f"rep{u:03d}", "date": day, "reviews": (u + d) % 9, "demos": d % 4, "callbacks": u % 5,
        }).raise_for_status()


with ThreadPoolExecutor(8) as pool:
    list(pool.map(post_user, range(users)))
print(f"seeded {users * days} daily logs", file=sys.stderr)
