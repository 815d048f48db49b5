import Foundation
import RaceDomain
import RoadSenseProtocol
import RoadSenseStore
import Testing

@testable import RoadSenseHost

/// The host's on-disk spool of store writes (docs/outage.md): bounded, ordered, durable across a restart, and
/// honest about a record torn by a crash.
@Suite("Store write spool")
struct WriteSpoolTests {
    static func record(_ index: Int, size: Int = 100) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index &* 31) }
    }

    /// Every record of the spool, oldest first, consumed as it is read.
    static func drainAll(_ spool: WriteSpool) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        while !spool.isEmpty {
            let batch = try spool.peek(limit: 3)
            #expect(!batch.isEmpty)
            out += batch
            try spool.consume(batch.count)
        }
        return out
    }

    static func segments(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".seg") }.sorted()
    }

    @Test("CRC-32 gives the standard check value for \"123456789\"")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("records drain in the order they were appended, across segments; drained segments are deleted")
    func order() throws {
        let directory = try TestPaths.temporaryDirectory("spool-order")
        // 100-byte records take 108 bytes; 250-byte segments hold 2 each (8 bytes of magic first).
        let spool = try WriteSpool(directory: directory.path, maxBytes: 1 << 20, segmentBytes: 250)
        for index in 0..<7 { #expect(try spool.append(Self.record(index))) }
        try spool.sync()
        #expect(spool.pendingRecords == 7)
        #expect(spool.pendingBytes == 7 * 108)
        #expect(try Self.segments(directory).count == 4)
        #expect(try Self.drainAll(spool) == (0..<7).map { Self.record($0) })
        #expect(spool.pendingBytes == 0)
        #expect(try Self.segments(directory).isEmpty)
        // Emptied, it starts again on a new segment.
        #expect(try spool.append(Self.record(9)))
        #expect(try spool.peek(limit: 10) == [Self.record(9)])
    }

    @Test("bounded: a record that would pass maxBytes is refused and counted; the oldest are kept")
    func bounded() throws {
        let directory = try TestPaths.temporaryDirectory("spool-bound")
        // Room for 4 records of 108 bytes in 450 bytes.
        let spool = try WriteSpool(directory: directory.path, maxBytes: 450, segmentBytes: 1 << 20)
        let stored = try (0..<6).map { try spool.append(Self.record($0)) }
        #expect(stored == [true, true, true, true, false, false])
        #expect(spool.counters.dropped == 2)
        #expect(spool.counters.droppedBytes == 216)
        #expect(spool.pendingBytes == 432)
        // Draining makes room again.
        let first = try spool.peek(limit: 1)
        try spool.consume(first.count)
        #expect(try spool.append(Self.record(6)))
        #expect(try Self.drainAll(spool) == [1, 2, 3, 6].map { Self.record($0) })
    }

    @Test("survives a restart: what was appended, and how far it was drained, are read back")
    func restart() throws {
        let directory = try TestPaths.temporaryDirectory("spool-restart")
        do {
            let spool = try WriteSpool(directory: directory.path, maxBytes: 1 << 20, segmentBytes: 250)
            for index in 0..<5 { try spool.append(Self.record(index)) }
            try spool.sync()
            let two = try spool.peek(limit: 2)
            try spool.consume(two.count)
        }
        let reopened = try WriteSpool(directory: directory.path, maxBytes: 1 << 20, segmentBytes: 250)
        #expect(reopened.pendingRecords == 3)
        #expect(reopened.pendingBytes == 3 * 108)
        #expect(reopened.counters.tornRecords == 0)
        #expect(try Self.drainAll(reopened) == [2, 3, 4].map { Self.record($0) })
    }

    @Test("one host per spool: a second one on the same directory is refused")
    func exclusive() throws {
        let directory = try TestPaths.temporaryDirectory("spool-lock")
        let first = try WriteSpool(directory: directory.path, maxBytes: 1 << 20)
        #expect {
            _ = try WriteSpool(directory: directory.path, maxBytes: 1 << 20)
        } throws: { ($0 as? HostError)?.code == .alreadyRunning }
        _ = first
    }

    @Test(
        "a torn last record (a crash mid-append) is detected, counted and cut off; the whole records survive",
        arguments: ["short", "checksum"])
    func torn(kind: String) throws {
        let directory = try TestPaths.temporaryDirectory("spool-torn")
        do {
            let spool = try WriteSpool(directory: directory.path, maxBytes: 1 << 20)
            for index in 0..<3 { try spool.append(Self.record(index)) }
            try spool.sync()
        }
        let file = directory.appendingPathComponent(try #require(try Self.segments(directory).first))
        var bytes = [UInt8](try Data(contentsOf: file))
        #expect(bytes.count == 8 + 3 * 108)
        switch kind {
        case "short": bytes.removeLast(40)  // the third record's body was only partly written
        default: bytes[bytes.count - 1] ^= 0xFF  // its last byte never reached the disk as written
        }
        try Data(bytes).write(to: file)

        let reopened = try WriteSpool(directory: directory.path, maxBytes: 1 << 20)
        #expect(reopened.counters.tornRecords == 1)
        #expect(reopened.counters.truncatedBytes == (kind == "short" ? 68 : 108))
        #expect(reopened.openNotes.count == 1)
        #expect(reopened.openNotes.first?.contains("offset 224") == true)
        #expect(reopened.pendingRecords == 2)
        // The file is whole again: a new record goes after the two kept ones, and all drain in order.
        try reopened.append(Self.record(7))
        try reopened.sync()
        #expect(try Self.drainAll(reopened) == [0, 1, 7].map { Self.record($0) })
    }

    @Test("a file that is not a spool segment is moved aside, not read")
    func foreignFile() throws {
        let directory = try TestPaths.temporaryDirectory("spool-foreign")
        try Data("not a spool".utf8).write(to: directory.appendingPathComponent("0000000001.seg"))
        let spool = try WriteSpool(directory: directory.path, maxBytes: 1 << 20)
        #expect(spool.isEmpty)
        #expect(spool.counters.truncatedBytes == 11)
        #expect(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("0000000001.seg.unreadable").path))
    }

    @Test("every kind of store write survives the spool's encoding unchanged")
    func writesRoundTrip() throws {
        let lap = LapRecord(
            vehicleID: "GR86-022-13", carNumber: 13, lap: 4, lapTimeMs: 97_428, crossedMs: 1_757_184_041_926,
            s1Ms: 26_112, s2Ms: 42_005, s3Ms: 29_311, topSpeedKph: 185.2, avgSpeedKph: 141.7, elapsedMs: 391_004,
            flag: "GF", pitIn: true, pitTimeMs: 61_200, source: .analysis)
        let weather = WeatherSample(
            timeMs: 1_757_184_000_000, airTempC: 30.4, trackTempC: nil, humidityPct: 54.5, pressureHPa: 1012.3,
            windSpeedKph: 1.1, windDirectionDeg: 270, rain: false)
        let frame = CarFrame(
            vehicleID: "GR86-002-000", carNumber: 2, timeMs: 1_757_184_025_401, lap: 2, lapDistanceM: 1203.5,
            speedKph: 151.3, throttlePct: 99.2, brakeFrontBar: 0, brakeRearBar: 0.1, gear: 4, rpm: 6712,
            accelLongG: 0.346, accelLatG: -0.074, steeringDeg: -12.5, latitudeDeg: 33.5326, longitudeDeg: -86.6196,
            ecuTimeMs: 1_757_031_000_593)
        let prediction = StrategyPrediction(
            vehicleID: "GR86-022-13", carNumber: 13, computedMs: 1_757_184_600_000, lapsCompleted: 6, lapsRemaining: 21,
            degradationMsPerLap: 41.5, degradationStderr: 12.25, predictedNextLapMs: 97_900.5, pitWindowOpenLap: 9,
            pitWindowCloseLap: nil, confidence: 0.8, cleanLaps: 5, model: "stint-filter", rationale: "5 clean laps")
        let state = CarState(
            frame: frame, samples: 12, lastLapMs: 98_326, bestLapMs: 97_428, position: 3, lapsCompleted: 4,
            maxSpeedKph: 185.2)
        let alert = Alert(
            alertID: "lap_time_drop/80/lap-6", vehicleID: "GR86-080-80", carNumber: 80, rule: "lap_time_drop",
            severity: .critical, message: "car 80: lap 6 1:56.964 is 17.2% off its best green lap 1:39.807",
            raisedMs: 1_757_184_600_000, lap: 6, value: 17.2, threshold: 6, channel: "lap_time")
        let call = CallRecord(
            callID: "8a1c1d3e-0000-4000-8000-000000000001", method: "telemetry.ProcessLive", priority: 1, attempt: 2,
            state: .queued, enqueuedMs: 1_757_184_041_000, finishedMs: nil, status: "UNAVAILABLE",
            message: "held for the store", worker: "telemetry/123", entry: "process-live-telemetry",
            payload: [0, 1, 2, 255], result: nil, maxAttempts: 3, timeoutMs: 10_000, expiresMs: nil,
            notBeforeMs: 5, errors: ["attempt 1 on telemetry/123: UNAVAILABLE: x", "é ✓"], owner: "host-42")
        var finished = call
        finished.state = .failed
        finished.finishedMs = 1_757_184_042_000
        finished.result = [9, 9]
        finished.expiresMs = 7
        finished.owner = nil
        let record = ScheduleRecord(
            entry: "process-live-telemetry", spec: "every 10 s", lastSlotMs: 1_757_184_040_000,
            nextSlotMs: 1_757_184_050_000, lastFiredMs: nil, lastOutcome: "succeeded", fired: 3, skippedOverlap: 1,
            missed: 0, owner: "host-42")
        let writes: [StoreWrite] = [
            .call(call), .deadLetter(finished, nowMs: 1_757_184_043_000), .laps([lap, lap]), .weather([weather]),
            .carStates([state]), .predictions([prediction]), .alerts([alert]),
            .resolveAlert(id: alert.alertID, nowMs: 3),
            .scheduleRecord(record), .laps([]),
        ]
        for write in writes {
            #expect(try StoreWrite(spooled: write.encoded()) == write)
        }
        // A record of an unknown kind, or cut short, is an error naming what is wrong, never a crash.
        #expect(throws: HostError.self) { try StoreWrite(spooled: [200]) }
        let bytes = StoreWrite.call(call).encoded()
        #expect(throws: HostError.self) { try StoreWrite(spooled: Array(bytes.dropLast(3))) }
    }
}
