import Testing
import TallyCore

@Suite struct CSVTableTests {
    @Test func quotesWhatNeedsQuotingAndDefusesFormulas() {
        var table = CSVTable(header: ["name", "count", "notes"])
        table.append([.text("Familie \"Jansen\", Utrecht"), .number(7), .text("line one\nline two")])
        table.append([.text("=HYPERLINK(\"http://evil\")"), .number(-3), .text(nil)])
        table.append([.text("-5 demos"), .number(nil), .text("plain")])
        #expect(table.text == """
            name,count,notes\r
            "Familie ""Jansen"", Utrecht",7,"line one
            line two"\r
            "'=HYPERLINK(""http://evil"")",-3,\r
            '-5 demos,,plain\r

            """)
    }
}
