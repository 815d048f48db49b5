import Foundation
import Testing

@testable import RaceDomain

/// `TelemetrySorter` against the plain way (every sample in one array, a stable sort by receiver time then
/// ECU time), on input built from the real barber R1 head: the head repeated with shifted times, the copies
/// written latest first, so the input runs backwards throughout — no bounded reorder window could sort it.
@Suite("Telemetry sorter")
struct TelemetrySorterTests {
    /// `copies` copies of the real head's samples, copy k shifted by k × (head span + 1 s), latest copy first.
    static func backwardsInput(copies: Int) throws -> [TelemetrySample] {
        let head = try TelemetryReader(
            url: TestData.trd("barber/R1_barber_telemetry_data_sample.csv"), ledger: RowIssueLedger()
        ).readAll()
        let span = head.map(\.metaTimeMs).max()! - head.map(\.metaTimeMs).min()! + 1000
        return (0..<copies).reversed().flatMap { copy in
            head.map { sample in
                var shifted = sample
                shifted.metaTimeMs += Int64(copy) * span
                shifted.ecuTimeMs += Int64(copy) * span
                return shifted
            }
        }
    }

    /// The peer: a stable sort of the whole input in memory.
    static func sortedInMemory(_ samples: [TelemetrySample]) -> [TelemetrySample] {
        samples.enumerated().sorted {
            ($0.element.metaTimeMs, $0.element.ecuTimeMs, $0.offset) < (
                $1.element.metaTimeMs, $1.element.ecuTimeMs, $1.offset
            )
        }.map(\.element)
    }

    static func drain(_ sorter: TelemetrySorter) throws -> [TelemetrySample] {
        var out: [TelemetrySample] = []
        while let sample = try sorter.next() { out.append(sample) }
        return out
    }

    @Test("sorts 8 backwards copies of the real head like a stable in-memory sort, holding ≤ 500 + 4 × 64 samples")
    func spillsAndMerges() throws {
        let input = try Self.backwardsInput(copies: 8)
        #expect(input.count == 8 * 9_812)
        let sorter = TelemetrySorter(runLength: 500, fanIn: 4, readBatch: 64)
        for sample in input { try sorter.append(sample) }
        try sorter.finish()
        // 78,496 samples: 157 runs of ≤ 500. Pass 1 merges 39 groups of 4 and leaves the lone 157th run as it is
        // (40 runs), pass 2 merges 10 groups of 4, pass 3 groups of 4, 4 and 2: 3 runs for the final merge.
        #expect(sorter.mergePasses == 3)
        #expect(sorter.runsSpilled == 157 + 39 + 10 + 3)
        let output = try Self.drain(sorter)
        #expect(output.count == input.count)
        #expect(output == Self.sortedInMemory(input))
        #expect(output.map(\.value.bitPattern) == Self.sortedInMemory(input).map(\.value.bitPattern))
        #expect(sorter.peakBuffered <= 500 + 4 * 64 + 64)
        #expect(sorter.bufferedCount == 0)
    }

    @Test("the most samples held stays the same for 2 and for 16 copies of the head")
    func memoryIsFlat() throws {
        var peaks: [Int] = []
        for copies in [2, 16] {
            let sorter = TelemetrySorter(runLength: 2_000, fanIn: 16, readBatch: 32)
            var mostWhileAppending = 0
            for sample in try Self.backwardsInput(copies: copies) {
                try sorter.append(sample)
                mostWhileAppending = max(mostWhileAppending, sorter.bufferedCount)
            }
            var previous = Int64.min
            var count = 0
            var backwards = 0
            var mostWhileMerging = 0
            while let sample = try sorter.next() {
                if sample.metaTimeMs < previous { backwards += 1 }
                previous = sample.metaTimeMs
                count += 1
                mostWhileMerging = max(mostWhileMerging, sorter.bufferedCount)
            }
            #expect(backwards == 0 && count == copies * 9_812)
            #expect(mostWhileAppending == 1_999 && mostWhileMerging <= 16 * 32, "a full run is spilled at once")
            peaks.append(sorter.peakBuffered)
        }
        #expect(peaks == [2_000, 2_000], "the run length bounds both")
    }

    @Test("input that fits one run never spills, and equal times keep input order")
    func inMemory() throws {
        let sorter = TelemetrySorter(runLength: 10)
        let a = TelemetrySample(vehicleID: "A", lap: 1, metaTimeMs: 5, ecuTimeMs: 2, channel: "speed", value: 1)
        let b = TelemetrySample(vehicleID: "B", lap: 1, metaTimeMs: 5, ecuTimeMs: 2, channel: "speed", value: 2)
        let c = TelemetrySample(vehicleID: "A", lap: 32_767, metaTimeMs: 4, ecuTimeMs: 9, channel: "gear", value: -0.0)
        for sample in [a, b, c] { try sorter.append(sample) }
        #expect(try sorter.peekTimeMs() == 4)
        let output = try Self.drain(sorter)
        #expect(output == [c, a, b])
        #expect(output[0].value.bitPattern == (-0.0).bitPattern)
        #expect(sorter.runsSpilled == 0 && sorter.peakBuffered == 3)
        #expect(try sorter.next() == nil && sorter.peekTimeMs() == nil)
    }

    @Test("a temporary directory that cannot be written is a clear error naming it")
    func unwritableDirectory() throws {
        let sorter = TelemetrySorter(runLength: 2, directory: URL(fileURLWithPath: "/nonexistent-roadsense-dir"))
        let sample = TelemetrySample(vehicleID: "A", lap: 1, metaTimeMs: 1, ecuTimeMs: 1, channel: "speed", value: 1)
        try sorter.append(sample)
        let error = try #require(throws: TRDError.self) { try sorter.append(sample) }
        #expect(error.code == .spillFailed && error.file == "/nonexistent-roadsense-dir")
        #expect(error.description.contains("cannot create a temporary file"))
    }
}
