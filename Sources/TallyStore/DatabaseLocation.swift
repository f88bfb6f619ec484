import Foundation

/// Where the database lives, parsed from `--database` / `TALLY_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultSQLitePath = "tally.sqlite"

    /// Accepts a plain path, `sqlite:PATH`, `sqlite://PATH` or `sqlite:///ABSOLUTE/PATH`, and
    /// `postgres://` / `postgresql://` URLs.
    public static func parse(_ text: String) throws(DatabaseLocationError) -> DatabaseLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DatabaseLocationError("the database location is empty") }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            return .postgres(url: trimmed)
        }
        if lower.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DatabaseLocationError("'\(trimmed)' names no file") }
            return .sqlite(path: path)
        }
        if lower.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw DatabaseLocationError("'\(trimmed)' names no file") }
            return .sqlite(path: path)
        }
        if let scheme = trimmed.range(of: "://") {
            throw DatabaseLocationError(
                "unsupported database URL scheme '\(trimmed[..<scheme.lowerBound])'; use a SQLite path or sqlite:// URL"
            )
        }
        return .sqlite(path: trimmed)
    }

    /// The SQLite file's path; nil for PostgreSQL.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    /// The location with any password removed, for logs and messages.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://…"
        }
    }
}

public struct DatabaseLocationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
