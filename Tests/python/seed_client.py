"""The goal-tracker seed's own client code, run against Tally with only the base URL changed.

The class and request patterns below are the seed's (002_081fe04b043b985f.txt), verbatim but
for `base_url`; the checks around them are ours. Run by Tests/EndToEndTests with
TALLY_BASE_URL and TALLY_API_KEY set.
"""
import os
import sys
import requests
from datetime import datetime

API_KEY = os.environ["TALLY_API_KEY"]
BASE_URL = os.environ["TALLY_BASE_URL"]


class AuthenticationError(Exception):
    pass


class RateLimitError(Exception):
    pass


class APIError(Exception):
    pass


# --- the seed's client, with only the base URL changed -------------------------------------
class WindowDepotClient:
    def __init__(self, api_key):
        self.api_key = api_key
        self.base_url = BASE_URL
        self.headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json"
        }

    def get_users(self):
        response = requests.get(
            f"{self.base_url}/v1/users",
            headers=self.headers
        )
        response.raise_for_status()
        return response.json()["users"]

    def create_daily_log(self, user_id, reviews, demos, callbacks, date=None):
        if date is None:
            date = datetime.now().strftime("%Y-%m-%d")

        response = requests.post(
            f"{self.base_url}/v1/daily-logs",
            headers=self.headers,
            json={
                "user_id": user_id,
                "date": date,
                "reviews": reviews,
                "demos": demos,
                "callbacks": callbacks
            }
        )
        response.raise_for_status()
        return response.json()

    def create_appointment(self, user_id, customer_name, appointment_date, **kwargs):
        response = requests.post(
            f"{self.base_url}/v1/appointments",
            headers=self.headers,
            json={
                "user_id": user_id,
                "customer_name": customer_name,
                "appointment_date": appointment_date,
                **kwargs
            }
        )
        response.raise_for_status()
        return response.json()


# --- the seed's error handling ------------------------------------------------------------
def post_with_seed_error_handling(url, headers, data):
    try:
        response = requests.post(url, headers=headers, json=data)
        response.raise_for_status()
        return response.json()
    except requests.exceptions.HTTPError as e:
        if e.response.status_code == 401:
            raise AuthenticationError("Invalid API key")
        elif e.response.status_code == 429:
            raise RateLimitError("Rate limit exceeded")
        else:
            raise APIError(f"API error: {e}")


requests_made = 0


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    global requests_made
    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "Content-Type": "application/json"
    }

    # Pattern 2: push a daily log without a date (the server uses today in the user's timezone).
    response = requests.post(
        f"{BASE_URL}/v1/daily-logs",
        headers=headers,
        json={
            "user_id": "user123",
            "reviews": 5,
            "demos": 3,
            "callbacks": 2
        }
    )
    requests_made += 1
    check(response.status_code == 201, f"Pattern 2 POST answered {response.status_code}: {response.text}")
    new_log = response.json()
    check(new_log["reviews"] == 5 and new_log["user_id"] == "user123", f"unexpected log {new_log}")

    # The complete integration example.
    client = WindowDepotClient(API_KEY)
    users = client.get_users()
    requests_made += 1
    check({u["id"] for u in users} >= {"user123", "user456"}, f"users were {users}")

    today = datetime.now().strftime("%Y-%m-%d")
    log = client.create_daily_log("user456", 4, 2, 1)
    requests_made += 1
    check(log["date"] == today and log["demos"] == 2, f"unexpected log {log}")

    # Pattern 1: pull today's daily logs, read the new one back by date.
    response = requests.get(
        f"{BASE_URL}/v1/daily-logs",
        headers=headers,
        params={"date": datetime.now().strftime("%Y-%m-%d")}
    )
    requests_made += 1
    daily_logs = response.json()["daily_logs"]
    check(log["id"] in [d["id"] for d in daily_logs], f"log {log['id']} not among {daily_logs}")

    # Appointments with the seed's **kwargs: extra fields come back in metadata.
    appointment = client.create_appointment(
        "user123", "Familie Jansen", "2026-11-23T14:00:00+01:00",
        duration_minutes=90, windows=7, lead_source="website")
    requests_made += 1
    check(appointment["customer_name"] == "Familie Jansen", f"unexpected appointment {appointment}")
    check(appointment["duration_minutes"] == 90, f"duration lost: {appointment}")
    check(appointment["metadata"] == {"windows": 7, "lead_source": "website"}, f"metadata was {appointment['metadata']}")

    # A second log for the same user and day is a conflict naming the first.
    response = requests.post(f"{BASE_URL}/v1/daily-logs", headers=headers,
                             json={"user_id": "user456", "date": today, "reviews": 1, "demos": 1, "callbacks": 1})
    requests_made += 1
    check(response.status_code == 409 and response.json()["existing_id"] == log["id"],
          f"duplicate answered {response.status_code}: {response.text}")
    check(response.headers["Content-Type"] == "application/problem+json", "409 is not problem+json")

    # A bad key: the seed's error handling turns the 401 into AuthenticationError.
    try:
        post_with_seed_error_handling(
            f"{BASE_URL}/v1/daily-logs",
            {"Authorization": "Bearer not-a-real-key", "Content-Type": "application/json"},
            {"user_id": "user123", "reviews": 1, "demos": 1, "callbacks": 1})
        check(False, "a bad key was accepted")
    except AuthenticationError:
        pass

    # 100 requests a minute: the 101st is refused with 429 and Retry-After.
    while requests_made < 100:
        response = requests.get(f"{BASE_URL}/v1/users", headers=headers)
        requests_made += 1
        check(response.status_code == 200, f"request {requests_made} answered {response.status_code}")
        check(response.headers["X-RateLimit-Remaining"] == str(100 - requests_made),
              f"remaining {response.headers['X-RateLimit-Remaining']} after {requests_made}")
    try:
        post_with_seed_error_handling(
            f"{BASE_URL}/v1/daily-logs", headers,
            {"user_id": "user123", "date": "2026-01-01", "reviews": 1, "demos": 1, "callbacks": 1})
        check(False, "the 101st request was not rate limited")
    except RateLimitError:
        pass
    response = requests.get(f"{BASE_URL}/v1/users", headers=headers)
    check(response.status_code == 429 and int(response.headers["Retry-After"]) >= 1, "429 lacks Retry-After")

    print("seed client: all checks passed")


if __name__ == "__main__":
    main()
