import Foundation
import Testing
@testable import TallyServer

/// The structured log's string literals: whatever a path or message holds, each line stays one
/// JSON object and reads back as the text that went in.
@Suite struct LogLineTests {
    @Test(arguments: [
        "/v1/daily-logs?date=2026-07-02", "say \"hi\"", #"C:\path"#, "two\nlines\r\n", "tab\there", "bell\u{07}",
        "Zoë → 日本", "",
    ])
    func stringsReadBackAsTheyWent(text: String) throws {
        var line: [UInt8] = []
        JSONLogHandler.appendQuoted(text, to: &line)
        #expect(!line.contains(UInt8(ascii: "\n")))
        let decoded = try JSONDecoder().decode(String.self, from: Data(line))
        #expect(decoded == text)
    }
}
