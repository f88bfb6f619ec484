import ArgumentParser
import Foundation
import TallyCore
import TallyStore

/// `--database`, shared by every command that opens the store.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A SQLite path or sqlite:// URL (default: $TALLY_DATABASE_URL, else tally.sqlite).", valueName: "url"))
    var database: String?

    func location() throws -> DatabaseLocation {
        let text = database ?? ProcessInfo.processInfo.environment["TALLY_DATABASE_URL"]
        guard let text, !text.isEmpty else { return .sqlite(path: DatabaseLocation.defaultSQLitePath) }
        do { return try DatabaseLocation.parse(text) } catch { throw CLIError("database: \(error.description)") }
    }

    func openStore() throws -> any TallyStore {
        do { return try location().open() } catch let error as TallyError { throw CLIError(error) }
    }
}

/// A failure reported as one line on stderr with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    init(_ error: TallyError) {
        switch error {
        case .notFound(let kind, let id): description = "no \(kind) has the id '\(id)'"
        case .conflict(let detail, _): description = detail
        case .invalid(let validation): description = CLIError(validation).description
        case .databaseUnavailable(let detail): description = detail
        }
    }

    init(_ error: TallyCore.ValidationError) {
        description = error.errors.map { "\($0.pointer.dropFirst(2)) \($0.detail)" }.joined(separator: "; ")
    }

    /// Runs store work, turning domain errors into one-line messages.
    static func reporting<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as TallyError { throw CLIError(error) } catch let error as TallyCore.ValidationError {
            throw CLIError(error)
        }
    }
}

/// Prints rows as aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in
        ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
    }
    for row in [header] + rows {
        let line = row.enumerated().map { index, cell in
            index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
        print(line)
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
