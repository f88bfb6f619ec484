import Foundation

/// What a Clockify sync keeps between cycles, handed to the engine as its cursor (JSON text).
/// Public so that the inbound webhook route can name projects and tags as the last sync did.
public struct ClockifySyncState: Codable, Sendable, Equatable {
    /// Bumped when the shape changes; an older cursor then means a fresh start, not a failure.
    static let currentVersion = 1

    var version: Int
    public var account: ClockifyAccount
    public var names: ClockifyNames

    public init(account: ClockifyAccount, names: ClockifyNames = ClockifyNames()) {
        self.version = Self.currentVersion
        self.account = account
        self.names = names
    }

    /// Nil for a cursor that is not this type's JSON, or of another version.
    public init?(cursor: String) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let state = try? decoder.decode(Self.self, from: Data(cursor.utf8)), state.version == Self.currentVersion else {
            return nil
        }
        self = state
    }

    public var cursor: String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, dates and sets of strings always encode.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
