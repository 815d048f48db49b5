import Foundation
import Testing

@testable import RaceDomain

@Suite("CSVFile")
struct CSVFileTests {
    @Test("strips the BOM, CRLF and the trailing ';' of the indianapolis dialect")
    func indianapolisDialect() throws {
        let file = try CSVFile(url: TestData.trd("indianapolis/23_AnalysisEnduranceWithSections_Race 1.CSV"))
        #expect(file.header.first == "NUMBER")
        #expect(file.header.count == 41)
        #expect(file.delimiter == UInt8(ascii: ";"))
        let first = try #require(file.next())
        #expect(first.line == 2)
        #expect(first.fields.count == 41)
        #expect(first[0] == "021")
        #expect(first[file.column("FL_elapsed")] == "1:47.285")
    }

    @Test("trims spaces around header names")
    func trimsHeaderSpaces() throws {
        let file = try CSVFile(url: TestData.excerpt("23_AnalysisEnduranceWithSections_Race 1_Anonymized.CSV"))
        #expect(file.column("LAP_NUMBER") == 2)
        #expect(file.column("HOUR") == 14)
    }

    @Test("unquotes double-quoted headers and fields")
    func quotedFields() throws {
        let url = try TestData.temporaryFile("q.csv", "\"a\",\"b\",\"c\"\n\"x, y\",\"say \"\"hi\"\"\",3\n")
        let file = try CSVFile(url: url)
        #expect(file.header == ["a", "b", "c"])
        let record = try #require(file.next())
        #expect(record.fields == ["x, y", "say \"hi\"", "3"])
    }

    @Test("reports file line numbers and skips blank lines")
    func lineNumbers() throws {
        let url = try TestData.temporaryFile("n.csv", "a,b\r\n1,2\r\n\r\n3,4")
        let lines = try CSVFile(url: url).map(\.line)
        #expect(lines == [2, 4])
    }

    @Test("streams a file larger than one chunk without losing rows")
    func streamsManyChunks() throws {
        var text = "k,v\n"
        for index in 0..<50_000 { text += "\(index),value-\(index)\n" }
        let file = try CSVFile(url: try TestData.temporaryFile("big.csv", text))
        var count = 0
        var last = ""
        for record in file {
            count += 1
            last = record[1]
        }
        #expect(count == 50_000)
        #expect(last == "value-49999")
    }

    @Test("throws fileMissing for a path that does not exist")
    func missingFile() {
        #expect(throws: TRDError.self) { try CSVFile(url: URL(fileURLWithPath: "/nonexistent/x.csv")) }
        do {
            _ = try CSVFile(url: URL(fileURLWithPath: "/nonexistent/x.csv"))
        } catch let error as TRDError {
            #expect(error.code == .fileMissing)
            #expect(error.description.contains("/nonexistent/x.csv"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("throws badHeader for an empty file")
    func emptyFile() throws {
        let url = try TestData.temporaryFile("empty.csv", "")
        #expect(throws: TRDError.self) { try CSVFile(url: url) }
    }
}
