"""The goal-tracker seed's Flask webhook receiver, run against Tally's deliveries.

Everything between the SEED markers is the seed's code as published
(the goal-tracker seed document, "Pattern 3: Real-Time with Webhooks"). Around it:
- WEBHOOK_SECRET is set from the file Tally's `tally webhooks add` output was saved to, as a user
  pastes their secret in;
- the seed calls `payload.encode('utf-8')` on `request.data`, i.e. it treats the body as text,
  while Flask hands out bytes; the request class below gives the seed the body as text (the
  exact characters Tally signed), which is the one-line fix docs/webhooks.md shows;
- process_daily_log / process_appointment, which the seed leaves to the reader, record what
  arrived; a second route checks the same deliveries with the PyPI `standardwebhooks` package.

Usage: seed_webhook_receiver.py SECRET_FILE RESULTS_FILE  (prints the port it listens on)
"""
import json
import sys
import threading

from flask import Request
from werkzeug.serving import make_server

SECRET_FILE, RESULTS_FILE = sys.argv[1], sys.argv[2]
results_lock = threading.Lock()


def record(entry):
    with results_lock, open(RESULTS_FILE, "a") as results:
        results.write(json.dumps(entry) + "\n")


def process_daily_log(payload):
    record({"route": "seed", "event": "daily_log.created", "id": payload["data"]["id"]})


def process_appointment(payload):
    record({"route": "seed", "event": "appointment.created", "id": payload["data"]["id"]})


# --- SEED (verbatim) ---
from flask import Flask, request
import hmac
import hashlib

app = Flask(__name__)
WEBHOOK_SECRET = "your-webhook-secret"

def verify_signature(payload, signature, timestamp):
    message = payload.encode('utf-8')
    expected = hmac.new(
        WEBHOOK_SECRET.encode('utf-8'),
        message,
        hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature)

@app.route('/webhook', methods=['POST'])
def webhook():
    signature = request.headers.get('X-Webhook-Signature')
    timestamp = request.headers.get('X-Webhook-Timestamp')
    event_type = request.headers.get('X-Webhook-Event')
    
    if not verify_signature(request.data, signature, timestamp):
        return 'Invalid signature', 401
    
    payload = request.json
    
    if event_type == 'daily_log.created':
        # Handle new daily log
        process_daily_log(payload)
    elif event_type == 'appointment.created':
        # Handle new appointment
        process_appointment(payload)
    
    return 'OK', 200
# --- END SEED ---


class SeedRequest(Request):
    @property
    def data(self):
        return self.get_data(as_text=True)


app.request_class = SeedRequest


@app.before_request
def load_secret():
    global WEBHOOK_SECRET
    with open(SECRET_FILE) as secret:
        WEBHOOK_SECRET = secret.read().strip()


@app.route('/standard', methods=['POST'])
def standard():
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    try:
        payload = Webhook(WEBHOOK_SECRET).verify(request.get_data(), dict(request.headers))
    except WebhookVerificationError as error:
        record({"route": "standard", "verified": False, "error": str(error)})
        return 'Invalid signature', 401
    record({"route": "standard", "verified": True, "event": payload["type"], "id": payload["data"]["id"]})
    return 'OK', 200


if __name__ == '__main__':
    server = make_server('127.0.0.1', 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()
