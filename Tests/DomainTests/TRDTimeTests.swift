import Testing

@testable import RaceDomain

@Suite("TRDTime")
struct TRDTimeTests {
    @Test("parses ISO instants with milliseconds to Unix ms")
    func iso() {
        // 2025-09-06T18:41:18Z is TIME_UTC_SECONDS 1757184078 in barber R1 weather.
        #expect(TRDTime.parseISO("2025-09-06T18:41:18.000Z") == 1_757_184_078_000)
        #expect(TRDTime.parseISO("2025-09-06T18:41:18Z") == 1_757_184_078_000)
        #expect(TRDTime.parseISO("2025-09-06T18:41:18.5Z") == 1_757_184_078_500)
        #expect(TRDTime.parseISO("1970-01-01T00:00:00.001Z") == 1)
        #expect(TRDTime.parseISO("2025-13-06T18:41:18Z") == nil)
        #expect(TRDTime.parseISO("abc") == nil)
        #expect(TRDTime.parseISO("") == nil)
    }

    @Test("parses every Al Kamel duration and clock notation")
    func durations() {
        #expect(TRDTime.parseDuration("1:54.168") == 114_168)
        #expect(TRDTime.parseDuration("12:21.996") == 741_996)
        #expect(TRDTime.parseDuration("33.413") == 33_413)
        #expect(TRDTime.parseDuration("39.57") == 39_570)
        #expect(TRDTime.parseDuration("0:00:42.522") == 42_522)
        #expect(TRDTime.parseDuration("13:42:35.322") == 49_355_322)
        #expect(TRDTime.parseDuration("45:15.035") == 2_715_035)
        #expect(TRDTime.parseDuration("") == nil)
        #expect(TRDTime.parseDuration("1:xx.1") == nil)
        #expect(TRDTime.parseDuration("1 Lap") == nil)
    }

    @Test("returns nil instead of trapping when a duration overflows Int64 milliseconds")
    func durationOverflow() {
        #expect(TRDTime.parseDuration("9223372036854775807") == nil)
        #expect(TRDTime.parseDuration("9223372036854775.807") == 9_223_372_036_854_775_807)
        #expect(TRDTime.parseDuration("9223372036854775.808") == nil)
        #expect(TRDTime.parseDuration("99999999999999999:00.000") == nil)
        #expect(TRDTime.parseDuration("2562047788015215:30:08.000") == nil)
        #expect(TRDTime.parseDuration("2562047788015:00:00.000") == 9_223_372_036_854_000_000)
    }

    @Test("converts Unix seconds to ms with a checked conversion")
    func checkedSeconds() {
        #expect(TRDTime.milliseconds(fromSeconds: 1_757_184_078) == 1_757_184_078_000)
        #expect(TRDTime.milliseconds(fromSeconds: 1_757_184_078.5) == 1_757_184_078_500)
        #expect(TRDTime.milliseconds(fromSeconds: 1e20) == nil)
        #expect(TRDTime.milliseconds(fromSeconds: 9_223_372_036_854_776) == nil)
        #expect(TRDTime.milliseconds(fromSeconds: .infinity) == nil)
        #expect(TRDTime.milliseconds(fromSeconds: .nan) == nil)
    }

    @Test("accepts instants from 2000 through 2100 as plausible")
    func plausibleYears() {
        #expect(TRDTime.isPlausibleInstant(TRDTime.parseISO("2000-01-01T00:00:00.000Z")!))
        #expect(TRDTime.isPlausibleInstant(TRDTime.parseISO("2100-12-31T23:59:59.999Z")!))
        #expect(!TRDTime.isPlausibleInstant(TRDTime.parseISO("1999-12-31T23:59:59.999Z")!))
        #expect(!TRDTime.isPlausibleInstant(TRDTime.parseISO("2101-01-01T00:00:00.000Z")!))
    }
}
