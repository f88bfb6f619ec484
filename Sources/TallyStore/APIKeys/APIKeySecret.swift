import Crypto
import Foundation
import TallyCore

/// The secret form of an API key: `tly_` + a 12-character lookup part + a 32-character secret
/// (160 random bits). Only the SHA-256 of the whole key is stored; the lookup part finds the row
/// and the hashes are then compared in constant time.
public struct APIKeySecret: Sendable {
    public static let marker = "tly_"
    static let lookupLength = 12
    static let secretLength = 32

    public let value: String
    public let lookup: String

    /// A new random key.
    public static func generate() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        let lookup = String(decoding: Identifier.randomCharacters(lookupLength, using: &generator), as: UTF8.self)
        let secret = String(decoding: Identifier.randomCharacters(secretLength, using: &generator), as: UTF8.self)
        return APIKeySecret(value: marker + lookup + secret, lookup: lookup)
    }

    /// Reads a key a client presented; nil when it cannot be a Tally key.
    public init?(presented text: some StringProtocol) {
        let value = String(text)
        guard value.utf8.count == Self.marker.utf8.count + Self.lookupLength + Self.secretLength,
            value.hasPrefix(Self.marker)
        else { return nil }
        let body = value.utf8.dropFirst(Self.marker.utf8.count)
        guard body.allSatisfy({ Identifier.alphabet.contains($0) }) else { return nil }
        self.value = value
        self.lookup = String(decoding: body.prefix(Self.lookupLength), as: UTF8.self)
    }

    private init(value: String, lookup: String) {
        self.value = value
        self.lookup = lookup
    }

    public var prefix: String { Self.marker + lookup }

    public var hash: [UInt8] { Array(SHA256.hash(data: Array(value.utf8))) }

    /// Whether this key is the one `stored` was made from, compared in constant time.
    public func matches(_ stored: APIKey) -> Bool {
        ConstantTime.equal(hash, stored.secretHash)
    }

    /// A stored key record for this secret.
    public func record(
        id: String, name: String, scopes: [Scope], userID: String?, createdAt: Date, expiresAt: Date?
    ) -> APIKey {
        APIKey(
            id: id, name: name, prefix: prefix, lookup: lookup, secretHash: hash, scopes: scopes, userID: userID,
            createdAt: createdAt, expiresAt: expiresAt)
    }
}

public enum ConstantTime {
    /// Compares two byte strings without stopping at the first difference.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
