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
}
