import RaceDomain
import RoadSenseProtocol
import Testing

@Suite("Every wire message survives encode and decode")
struct MessageRoundTripTests {
    @discardableResult
    private func roundTrip<Message: WireMessage & Equatable>(_ value: Message) throws -> Message {
        let decoded = try Message(wire: value.encoded())
        #expect(decoded == value)
        return decoded
    }

    private func contains(_ bytes: [UInt8], _ run: [UInt8]) -> Bool {
        bytes.indices.contains { bytes[$0...].starts(with: run) }
    }

    @Test("domain messages keep every field, including nil measurements")
    func domainMessagesRoundTrip() throws {
        try roundTrip(WireFixtures.fullFrame)
        try roundTrip(WireFixtures.emptyFrame)
        try roundTrip(WireFixtures.state)
        try roundTrip(WireFixtures.bareState)
        try roundTrip(WireFixtures.lap)
        try roundTrip(WireFixtures.bareLap)
        try roundTrip(WireFixtures.weather)
        try roundTrip(WireFixtures.prediction)
        try roundTrip(WireFixtures.detailedPrediction)
        try roundTrip(WireFixtures.simulation)
        try roundTrip(Update(seq: 9, publishedMs: 1, topic: "simulation", body: .simulation(WireFixtures.simulation)))
        try roundTrip(WireFixtures.alert)
        try roundTrip(WireFixtures.performance)
        try roundTrip(WireFixtures.report)
        for report in WireFixtures.detailedReports { try roundTrip(report) }
        try roundTrip(WireFixtures.summary)
        try roundTrip(WireFixtures.feed)
        try roundTrip(WireFixtures.summary.badRows[0])
        try roundTrip(WireFixtures.samples(1)[0])
    }

    @Test("a report without weather decodes with weather nil")
    func reportWithoutWeather() throws {
        var report = WireFixtures.report
        report.weather = nil
        #expect(try roundTrip(report).weather == nil)
    }

    @Test("pace and gap figures keep 0 apart from unknown: sector delta and consistency 0, gap -1 on the wire")
    func figureSentinels() throws {
        let pace = try #require(WireFixtures.pacedPerformance.pace)
        #expect(pace.consistencyMs == 0 && pace.s1DeltaMs == 0 && pace.s3DeltaMs == nil && pace.pitLaps == [1])
        let decoded = try CarPace(wire: pace.encoded())
        #expect(decoded.consistencyMs == 0 && decoded.s1DeltaMs == 0 && decoded.s3DeltaMs == nil)

        let lapped = try #require(WireFixtures.gaps[1].gap)
        let bytes = lapped.encoded()
        // gap_to_leader_ms (field 7, varint) is -1: a ten-byte varint.
        #expect(contains(bytes, [0x38, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]))
        let gap = try CompetitorGap(wire: bytes)
        #expect(gap.gapToLeaderMs == nil && gap.carAhead == nil && gap.undercutThreatFrom == nil)
        #expect(gap.closingOnAheadMsPerLap == 120 && gap.lapsToContact == 12.5)
    }

    @Test("nil doubles travel as NaN and nil integers as their documented sentinel")
    func nilMapsToNaNAndSentinels() throws {
        // On the wire (as Python clients see it): speed_kph (field 6, fixed64) is NaN, car_number (field 2,
        // varint) is -1 as a ten-byte varint.
        let bytes = WireFixtures.emptyFrame.encoded()
        #expect(contains(bytes, [0x31, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F]))
        #expect(contains(bytes, [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]))
        let frame = try CarFrame(wire: bytes)
        #expect(frame.carNumber == nil)
        #expect(frame.gear == nil)
        #expect(frame.speedKph == nil)

        // A measurement that is really NaN reads back as missing; gear 0 (neutral) stays 0.
        var odd = WireFixtures.fullFrame
        odd.speedKph = .nan
        let decoded = try CarFrame(wire: odd.encoded())
        #expect(decoded.speedKph == nil)
        #expect(decoded.gear == 0)

        // A NaN in a non-optional double is carried as NaN.
        let sample = TelemetrySample(vehicleID: "x", lap: 0, metaTimeMs: 1, ecuTimeMs: 2, channel: "c", value: .nan)
        #expect(try TelemetrySample(wire: sample.encoded()).value.isNaN)
    }

    @Test("an all-default message encodes to zero bytes and decodes back")
    func emptyMessages() throws {
        #expect(Goodbye(reason: "").encoded().isEmpty)
        #expect(try Goodbye(wire: []) == Goodbye(reason: ""))
        #expect(try StrategyResult(wire: []) == StrategyResult(predictions: []))
    }

    @Test("every peer message member round-trips through PeerMessage")
    func peerMessagesRoundTrip() throws {
        for message in WireFixtures.peerMessages {
            try roundTrip(message)
        }
        try roundTrip(WireFixtures.call)
        try roundTrip(WireFixtures.reply)
        try roundTrip(WireFixtures.hello)
    }

    @Test("every update body round-trips through Update")
    func updatesRoundTrip() throws {
        for (index, body) in WireFixtures.updateBodies.enumerated() {
            let update = Update(
                seq: UInt64(index + 1), publishedMs: 1_714_000_000_000, topic: "topic.\(index)", body: body)
            try roundTrip(update)
        }
    }

    @Test("method messages round-trip, a 10k-sample batch included")
    func methodMessagesRoundTrip() throws {
        let batch = TelemetryBatch(
            samples: WireFixtures.samples(10_000), windowStartMs: 10, windowEndMs: 20,
            laps: [WireFixtures.lap, WireFixtures.bareLap])
        let decodedBatch = try roundTrip(batch)
        #expect(decodedBatch.samples.count == 10_000)
        #expect(decodedBatch.laps.count == 2)

        try roundTrip(
            TelemetryResult(
                states: [WireFixtures.state, WireFixtures.bareState], samplesIn: 10_000, samplesRejected: 7,
                framesStored: 20))
        try roundTrip(StrategyRequest(laps: [WireFixtures.lap, WireFixtures.bareLap], raceLaps: 45, nowMs: 99))
        #expect(try roundTrip(StrategyRequest(laps: [], raceLaps: nil, nowMs: 0)).raceLaps == nil)
        try roundTrip(StrategyResult(predictions: [WireFixtures.prediction, WireFixtures.prediction]))
        try roundTrip(
            AlertRequest(
                states: [WireFixtures.state], laps: [WireFixtures.lap], feeds: [WireFixtures.feed], nowMs: 1_234))
        try roundTrip(AlertResult(alerts: [WireFixtures.alert]))
    }

    @Test("metadata keeps order and duplicate keys, and the subscript reads the last value")
    func metadataKeepsOrder() throws {
        var metadata: CallMetadata = [("trace.id", "a"), ("host", "h1"), ("trace.id", "b")]
        for index in 0..<200 { metadata.append(key: "key.\(index)", value: "value \(index)") }
        let call = Call(callID: "c", method: "m", metadata: metadata, payload: Array(repeating: 7, count: 100_000))

        let decoded = try roundTrip(call)
        #expect(decoded.metadata.count == 203)
        #expect(decoded.metadata.entries.first?.key == "trace.id")
        #expect(decoded.metadata["trace.id"] == "b")
        #expect(decoded.metadataDictionary.count == 202)
        #expect(decoded.payload.count == 100_000)
    }

    @Test("metadata from a dictionary encodes deterministically")
    func dictionaryMetadataIsDeterministic() {
        let dictionary = Dictionary(uniqueKeysWithValues: (0..<50).map { ("key.\($0)", "\($0)") })
        let first = Call(callID: "c", method: "m", metadata: CallMetadata(dictionary), payload: [])
        let second = Call(callID: "c", method: "m", metadata: CallMetadata(dictionary), payload: [])
        #expect(first.encoded() == second.encoded())
    }
}
