import Foundation
import TallyCore
import TallyStore
import Yams

/// The category rules in force: set over the API (kept in the database), else the rules file
/// (`TALLY_CATEGORY_RULES`, JSON or YAML), else the seed's defaults.
public struct CategoryRulesBook: Sendable {
    public enum Origin: String, Sendable {
        case defaults = "default"
        case file, api
    }

    static let settingKey = "category_rules"

    public let store: any TallyStore
    public let filePath: String?

    public init(store: any TallyStore, filePath: String?) {
        self.store = store
        self.filePath = filePath
    }

    public func current() async throws -> (rules: CategoryRules, origin: Origin) {
        if let stored = try await store.setting(Self.settingKey) {
            return (try JSONDecoder().decode(CategoryRules.self, from: Data(stored.utf8)), .api)
        }
        if let filePath { return (try Self.load(file: filePath), .file) }
        return (.defaults, .defaults)
    }

    public func rules() async throws -> CategoryRules { try await current().rules }

    public func save(_ rules: CategoryRules, at now: Date) async throws {
        try rules.validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await store.saveSetting(Self.settingKey, String(decoding: try encoder.encode(rules), as: UTF8.self), at: now)
    }

    public func reset(at now: Date) async throws {
        try await store.saveSetting(Self.settingKey, nil, at: now)
    }

    /// Reads a rules file: YAML when it is named `.yaml`/`.yml`, JSON otherwise.
    public static func load(file path: String) throws(CategoryRulesFileError) -> CategoryRules {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CategoryRulesFileError(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        let isYAML = path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        do {
            if isYAML { return try YAMLDecoder().decode(CategoryRules.self, from: data) }
            return try JSONDecoder().decode(CategoryRules.self, from: data)
        } catch let error as ValidationError {
            throw CategoryRulesFileError(path: path, reason: error.errors.map(\.detail).joined(separator: "; "))
        } catch let error as DecodingError {
            throw CategoryRulesFileError(path: path, reason: Self.describe(error))
        } catch {
            throw CategoryRulesFileError(path: path, reason: "is not valid \(isYAML ? "YAML" : "JSON") (\(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(at(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context): return "\(at(context.codingPath)) should be \(type), not null"
        case .keyNotFound(let key, let context): return "\(at(context.codingPath + [key])) is missing"
        case .dataCorrupted(let context): return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

public struct CategoryRulesFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "the category rules file \(path): \(reason)" }
}
