import Foundation
import Synchronization

/// Opaque ids: a short prefix naming the kind, then 26 characters that sort by creation time
/// (48 bits of milliseconds and 80 random bits in Crockford base 32, as in ULID).
public enum Identifier {
    public static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    public static func make(_ prefix: String, at now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(prefix, at: now, using: &generator)
    }

    /// An id unique within this process (and, with its time and per-process seed, practically
    /// across processes) without a system call, but predictable: for request ids, never for
    /// records or secrets.
    public static func makeSequenced(_ prefix: String, at now: Date = Date()) -> String {
        var generator = SplitMix64(seed: sequenceSeed &+ sequence.wrappingAdd(2, ordering: .relaxed).oldValue &* SplitMix64.gamma)
        return make(prefix, at: now, using: &generator)
    }

    static func make(_ prefix: String, at now: Date, using generator: inout some RandomNumberGenerator) -> String {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        for shift in stride(from: 45, through: 0, by: -5) {
            characters.append(alphabet[Int((millis >> UInt64(shift)) & 31)])
        }
        characters.append(contentsOf: randomCharacters(16, using: &generator))
        return prefix + "_" + String(decoding: characters, as: UTF8.self)
    }

    /// `count` random characters of the base-32 alphabet (5 bits each), twelve from each 64-bit
    /// draw: the system generator costs a system call per draw.
    public static func randomCharacters(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var characters: [UInt8] = []
        characters.reserveCapacity(count)
        var bits: UInt64 = 0
        for index in 0..<count {
            if index % 12 == 0 { bits = generator.next() }
            characters.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return characters
    }

    private static let sequence = Atomic<UInt64>(0)
    private static let sequenceSeed: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    /// Ids clients may choose themselves, such as `user123`.
    public static func isValidClientChosen(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
