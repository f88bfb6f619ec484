import Foundation

/// Strings numbered in order of first appearance, so counting works on small integers.
///
/// A report numbers a million user ids, categories and descriptions; with `[String: Int]` the
/// seeded SipHash of every string is most of that work. This table hashes the UTF-8 bytes
/// eight at a time with a multiply-xorshift mix, seeded per table so crafted descriptions
/// cannot line up collisions across reports, and compares bytes only when hashes match.
struct StringNumbers {
    private(set) var strings: [String] = []
    /// Every string's UTF-8, back to back; string `n` spans `offsets[n]..<offsets[n + 1]`.
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing, linear probing: a string's number, or -1 where the slot is free.
    private var slots: [Int32] = Array(repeating: -1, count: 16)
    private let seed = UInt64.random(in: .min ... .max) | 1

    var count: Int { strings.count }

    mutating func number(of string: String) -> Int32 {
        if let found = string.utf8.withContiguousStorageIfAvailable({ number(of: $0, string: string) }) {
            return found
        }
        return Array(string.utf8).withUnsafeBufferPointer { number(of: $0, string: string) }
    }

    private mutating func number(of utf8: UnsafeBufferPointer<UInt8>, string: String) -> Int32 {
        let hash = Self.hash(utf8, seed: seed)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let number = slots[slot]
            if number < 0 { break }
            if hashes[Int(number)] == hash && equals(Int(number), utf8) { return number }
            slot = (slot + 1) & mask
        }
        let number = Int32(strings.count)
        strings.append(string)
        bytes.append(contentsOf: utf8)
        offsets.append(bytes.count)
        hashes.append(hash)
        slots[slot] = number
        if strings.count * 2 > slots.count { grow() }
        return number
    }

    private func equals(_ number: Int, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[number]
        let length = offsets[number + 1] - start
        guard length == utf8.count else { return false }
        guard length > 0 else { return true }
        return bytes.withUnsafeBufferPointer { stored in
            memcmp(stored.baseAddress! + start, utf8.baseAddress!, length) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var grown = [Int32](repeating: -1, count: size)
        for (number, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & (size - 1)
            while grown[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            grown[slot] = Int32(number)
        }
        slots = grown
    }

    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var hash = seed ^ (UInt64(utf8.count) &* 0x9E37_79B9_7F4A_7C15)
        guard let base = utf8.baseAddress else { return mix(hash) }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= utf8.count {
            hash = mix(hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        if index < utf8.count {
            var tail: UInt64 = 0
            for offset in index..<utf8.count { tail = tail << 8 | UInt64(base[offset]) }
            hash = mix(hash ^ tail)
        }
        return mix(hash)
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
        value = value &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 29)
    }
}
