/// RFC 4180 CSV for spreadsheets: fields with commas, quotes or line breaks are quoted, quotes
/// doubled, lines end in CRLF. A text cell starting with `=`, `+`, `-`, `@`, tab or CR gets a
/// leading `'` so a spreadsheet shows it instead of running it as a formula (CSV injection);
/// numbers are written as they are.
public struct CSVTable: Sendable {
    public enum Cell: Sendable {
        case text(String?)
        case number(Int?)
    }

    public let header: [String]
    public private(set) var rows: [[Cell]] = []

    public init(header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [Cell]) {
        rows.append(row)
    }

    public var text: String {
        var output = header.map(Self.field).joined(separator: ",") + "\r\n"
        for row in rows {
            output += row.map { cell -> String in
                switch cell {
                case .number(let value): value.map(String.init) ?? ""
                case .text(let value): value.map { Self.field(Self.defused($0)) } ?? ""
                }
            }.joined(separator: ",")
            output += "\r\n"
        }
        return output
    }

    static func defused(_ value: String) -> String {
        guard let first = value.first, "=+-@\t\r".contains(first) else { return value }
        return "'" + value
    }

    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
