#!/usr/bin/env python3
"""Peer for `roadsense bench ingest`: the same long-format telemetry file read with Python's csv module.

Per row it does the checks RoadSense's TelemetryReader does (known channel, numeric and plausible value,
vehicle id present, both ISO instants parsed, lap number, exact duplicates within the last 4,096 rows) and
keeps the latest value per (vehicle, channel), but does not build frames. Prints one JSON line:
rows kept, bad rows, wall and CPU seconds.

Usage: peer.py FILE
"""
import collections
import csv
import datetime
import json
import sys
import time

RANGES = {
    "speed": (0, 400), "nmot": (0, 12000), "aps": (-5, 110), "ath": (-5, 110), "pbrake_f": (-5, 300),
    "pbrake_r": (-5, 300), "accx_can": (-10, 10), "accy_can": (-10, 10), "gear": (-1, 8),
    "Steering_Angle": (-1000, 1000), "VBOX_Lat_Min": (-90, 90), "VBOX_Long_Minutes": (-180, 180),
    "Laptrigger_lapdist_dls": (0, 30000),
}
WINDOW = 4096


def instant_ms(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


def main(path):
    wall, cpu = time.perf_counter(), time.process_time()
    kept = bad = 0
    recent, order = set(), collections.deque()
    latest = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        names = [name.strip() for name in next(reader)]
        lap, meta, channel, value, ecu, vehicle = (
            names.index(n) for n in ("lap", "meta_time", "telemetry_name", "telemetry_value", "timestamp", "vehicle_id"))
        for row in reader:
            key = tuple(row)
            if key in recent:
                bad += 1
                continue
            recent.add(key)
            order.append(key)
            if len(order) > WINDOW:
                recent.discard(order.popleft())
            try:
                low, high = RANGES[row[channel]]
                number = float(row[value])
                if not (low <= number <= high) or not row[vehicle]:
                    raise ValueError
                instant_ms(row[ecu])
                instant_ms(row[meta])
                if int(row[lap]) < 0:
                    raise ValueError
            except (KeyError, ValueError):
                bad += 1
                continue
            latest[(row[vehicle], row[channel])] = number
            kept += 1
    print(json.dumps({
        "rows": kept, "badRows": bad, "seconds": time.perf_counter() - wall, "cpuSeconds": time.process_time() - cpu,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
