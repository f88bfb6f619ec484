#!/usr/bin/env python3
"""Writes a Health Auto Export (format v2) body of about SIZE_MB megabytes, the way the app
batches a long history: workouts with minute-by-minute heart rate and GPS routes, a large
heart_rate metric, and mindful_minutes samples.

Usage: hae_payload.py OUT SIZE_MB [WORKOUTS]
Prints {"workouts": N, "mindful_samples": M, "bytes": B} as JSON.
"""
import datetime
import json
import sys

out, size_mb = sys.argv[1], float(sys.argv[2])
workouts = int(sys.argv[3]) if len(sys.argv) > 3 else 200
target = int(size_mb * 1024 * 1024)

per_workout_points = max(10, int(target * 0.6 / max(workouts, 1) / 150))
with open(out, "w") as f:
    f.write('{"data":{"workouts":[')
    for w in range(workouts):
        day = 1 + w % 28
        month = 1 + (w // 28) % 12
        start = f"2026-{month:02d}-{day:02d} 07:{w % 60:02d}:00 +0100"
        end = f"2026-{month:02d}-{day:02d} 08:{w % 60:02d}:00 +0100"
        if w:
            f.write(",")
        f.write(json.dumps({
            "id": f"W-{w:06d}", "name": ["Outdoor Run", "Outdoor Cycle", "Yoga", "Traditional Strength Training"][w % 4],
            "start": start, "end": end, "duration": 3600,
            "distance": {"qty": 8.2, "units": "km"}, "activeEnergyBurned": {"qty": 610, "units": "kcal"},
            "heartRateData": [{"qty": 120 + p % 40, "date": start, "units": "count/min", "source": "Apple Watch"}
                              for p in range(per_workout_points)],
            "route": [{"lat": 52.0 + p / 1e5, "lon": 5.0 + p / 1e5, "altitude": 3.5, "timestamp": start}
                      for p in range(per_workout_points // 2)],
        }))
    f.write('],"metrics":[{"name":"mindful_minutes","units":"min","data":[')
    mindful = 365
    first_day = datetime.date(2026, 1, 1)
    f.write(",".join(json.dumps({"qty": 10, "date": f"{first_day + datetime.timedelta(days=d)} 06:30:00 +0100",
                                 "source": "Oura"}) for d in range(mindful)))
    f.write(']},{"name":"heart_rate","units":"count/min","data":[')
    first = True
    while f.tell() < target:
        chunk = ",".join('{"Min":55,"Avg":70,"Max":95,"date":"2026-06-01 10:00:00 +0100","source":"Apple Watch"}'
                         for _ in range(1000))
        f.write(("" if first else ",") + chunk)
        first = False
    f.write("]}]}}")
    size = f.tell()
print(json.dumps({"workouts": workouts, "mindful_samples": mindful, "bytes": size}))
