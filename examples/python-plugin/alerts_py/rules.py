"""The alert rules this plugin serves, written from proto/roadsense.proto and docs/protocol.md.

Two rules, with the same thresholds and the same edge cases as the Swift plugin's
(`Sources/Domain/Alerts/AlertRules.swift`), so both can serve `alerts.CheckConditions` in one run:

- ``stale_feed``: no telemetry sample from a car for more than 5 s (WARNING) / 15 s (CRITICAL).
  The id names the car by its vehicle id (stable when the car is later matched to a timing-sheet
  number), by the race number only without one.
- ``lap_time_drop``: a car's latest green lap slower than its own spread allows: against the median and
  MAD of its previous judged green laps (at least 2, at most 10), more than 4 robust deviations
  (max(1.4826 · MAD, 0.5 % of the median)) and 2 % (WARNING) / 6 % (CRITICAL) off that median. Lap 1,
  the restart lap (the car's previous lap was under FCY) and the out-lap (the previous lap ended in the
  pit lane) are neither judged nor part of the baseline.

Missing values follow protocol.md: a missing car number is -1, a missing lap time or pit time 0.
The functions take and return generated protobuf messages (``roadsense_pb2``).
"""

from __future__ import annotations

from dataclasses import dataclass

import roadsense_pb2 as pb

UNKNOWN_CAR_NUMBER = -1  # protocol.md "Missing values": a missing car number is -1


@dataclass(frozen=True)
class Thresholds:
    stale_warning_ms: int = 5_000
    stale_critical_ms: int = 15_000
    lap_robust_z: float = 4.0
    lap_drop_warning: float = 0.02
    lap_drop_critical: float = 0.06
    lap_baseline_laps: int = 10
    lap_min_baseline_laps: int = 2


def car_key(vehicle_id: str, car_number: int) -> str:
    """How lap alert ids and messages name a car: the race number when known, else the vehicle id."""
    if car_number != UNKNOWN_CAR_NUMBER:
        return str(car_number)
    return vehicle_id or "unknown"


def vehicle_key(vehicle_id: str, car_number: int) -> str:
    """How telemetry-based alert ids (stale_feed) name a car: the vehicle id, else the race number."""
    if vehicle_id:
        return vehicle_id
    return str(car_number) if car_number != UNKNOWN_CAR_NUMBER else "unknown"


def fmt(value: float) -> str:
    """``12`` for whole numbers, else one decimal (``12.5``)."""
    if value == round(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.1f}"


def lap_text(ms: int) -> str:
    """``97428`` -> ``1:37.428``."""
    return f"{ms // 60_000}:{(ms % 60_000) / 1000:06.3f}"


def is_green(lap: pb.LapRecord) -> bool:
    """A lap run at racing speed under green: flag GF, not into the pits, no pit time."""
    return lap.flag == "GF" and not lap.pit_in and lap.pit_time_ms == 0


def is_slow_by_nature(lap: int, previous) -> bool:
    """Lap 1, the restart lap after a caution lap and the out-lap after a pit stop say nothing about pace.

    ``previous`` is the car's lap numbered ``lap - 1``, or None when unknown.
    """
    if lap <= 1:
        return True
    if previous is None:
        return False
    return previous.flag == "FCY" or previous.pit_in


def stale_feed_alerts(feeds, now_ms: int, t: Thresholds = Thresholds()) -> list[pb.Alert]:
    alerts = []
    for feed in feeds:
        silence = now_ms - feed.last_sample_ms
        if silence <= t.stale_warning_ms:
            continue
        critical = silence > t.stale_critical_ms
        limit = t.stale_critical_ms if critical else t.stale_warning_ms
        severity = pb.CRITICAL if critical else pb.WARNING
        key = vehicle_key(feed.vehicle_id, feed.car_number)
        car = car_key(feed.vehicle_id, feed.car_number)
        alerts.append(pb.Alert(
            alert_id=f"stale_feed/{key}/since-{feed.last_sample_ms}",
            vehicle_id=feed.vehicle_id, car_number=feed.car_number, rule="stale_feed", severity=severity,
            message=(f"car {car}: no telemetry for {fmt(silence / 1000)} s "
                     f"({pb.Severity.Name(severity).lower()} after {fmt(limit / 1000)} s)"),
            raised_ms=now_ms, lap=0, value=silence / 1000, threshold=limit / 1000, channel="feed"))
    return alerts


def median(values: list[float]) -> float:
    """The middle value (mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def lap_time_drop_alerts(laps, now_ms: int, t: Thresholds = Thresholds()) -> list[pb.Alert]:
    by_car: dict[str, list[pb.LapRecord]] = {}
    for lap in laps:
        by_car.setdefault(car_key(lap.vehicle_id, lap.car_number), []).append(lap)
    alerts = []
    for car in sorted(by_car):
        car_laps = by_car[car]
        by_number: dict[int, pb.LapRecord] = {}
        for lap in car_laps:
            by_number.setdefault(lap.lap, lap)  # the first of a number, as Swift's Dictionary keeps it
        green = sorted((lap for lap in car_laps if is_green(lap) and lap.lap_time_ms > 0), key=lambda lap: lap.lap)
        judged = [lap for lap in green if not is_slow_by_nature(lap.lap, by_number.get(lap.lap - 1))]
        if not green or not judged or judged[-1] != green[-1]:
            continue
        latest = green[-1]
        baseline = [float(lap.lap_time_ms) for lap in judged[:-1][-t.lap_baseline_laps:]]
        if len(baseline) < t.lap_min_baseline_laps:
            continue
        center = median(baseline)
        mad = median([abs(value - center) for value in baseline])
        if center <= 0:
            continue
        deviation = max(1.4826 * mad, 0.005 * center)
        drop = (latest.lap_time_ms - center) / center
        spread_limit = t.lap_robust_z * deviation / center
        warning_limit = max(t.lap_drop_warning, spread_limit)
        if drop <= warning_limit:
            continue
        critical_limit = max(t.lap_drop_critical, spread_limit)
        critical = drop > critical_limit
        limit = critical_limit if critical else warning_limit
        severity = pb.CRITICAL if critical else pb.WARNING
        z = (latest.lap_time_ms - center) / deviation
        alerts.append(pb.Alert(
            alert_id=f"lap_time_drop/{car}/lap-{latest.lap}",
            vehicle_id=latest.vehicle_id, car_number=latest.car_number, rule="lap_time_drop",
            severity=severity,
            message=(f"car {car}: lap {latest.lap} {lap_text(latest.lap_time_ms)} is {fmt(drop * 100)}% off its "
                     f"median {lap_text(int(round(center)))} over {len(baseline)} green laps (MAD {mad / 1000:.3f} s, "
                     f"{fmt(z)} robust deviations; {pb.Severity.Name(severity).lower()} above {fmt(limit * 100)}%)"),
            raised_ms=now_ms, lap=latest.lap, value=drop * 100, threshold=limit * 100, channel="lap_time"))
    return alerts


def check_conditions(request: pb.AlertRequest, t: Thresholds = Thresholds()) -> pb.AlertResult:
    """``alerts.CheckConditions``: highest severity first, then by alert id."""
    alerts = lap_time_drop_alerts(request.laps, request.now_ms, t)
    alerts += stale_feed_alerts(request.feeds, request.now_ms, t)
    alerts.sort(key=lambda a: (-a.severity, a.alert_id))
    return pb.AlertResult(alerts=alerts)
