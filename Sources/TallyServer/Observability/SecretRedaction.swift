import Synchronization

/// Takes anything secret-shaped out of a text before it is logged: API keys (`tly_…`), webhook
/// signing secrets (`whsec_…`), whatever follows `Bearer `, cookie and token values, runs of 32
/// or more token characters (session and CSRF tokens, tracker API tokens, hashes), and the
/// secrets this process was configured with, whatever their shape.
public enum SecretRedaction {
    public static let mask = "[redacted]"
    private static let known = Mutex<[String]>([])

    /// A secret from the configuration (tracker tokens, webhook tokens), redacted wherever it appears.
    public static func register(_ secret: String?) {
        guard let secret, secret.utf8.count >= 6 else { return }
        known.withLock { if !$0.contains(secret) { $0.append(secret) } }
    }

    static let markers: [[UInt8]] = ["tly_", "whsec_", "bearer ", "tally_session=", "tally_form=", "csrf"].map { Array($0.utf8) }

    public static func redact(_ text: String) -> String {
        var text = text
        for secret in known.withLock({ $0 }) where text.contains(secret) {
            text = text.replacing(secret, with: mask)
        }
        let bytes = Array(text.utf8)
        guard mayHoldSecret(bytes) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let marker = marker(at: index, in: bytes) {
                output.append(contentsOf: bytes[index..<(index + marker.count)])
                index += marker.count
                // `csrf` names a token, which follows after `=`, `:` or `": "`.
                var valueStart = index
                if marker == markers[5] {
                    while valueStart < bytes.count, isTokenByte(bytes[valueStart]) { valueStart += 1 }
                    while valueStart < bytes.count, [UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "\""), UInt8(ascii: " ")].contains(bytes[valueStart]) {
                        valueStart += 1
                    }
                    output.append(contentsOf: bytes[index..<valueStart])
                }
                var end = valueStart
                while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
                if end > valueStart { output.append(contentsOf: mask.utf8) }
                index = end
                continue
            }
            if isTokenByte(bytes[index]) {
                var end = index
                while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
                if end - index >= 32 {
                    output.append(contentsOf: mask.utf8)
                } else {
                    output.append(contentsOf: bytes[index..<end])
                }
                index = end
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether a scan is needed: a marker, or a run of 32 token characters.
    static func mayHoldSecret(_ bytes: [UInt8]) -> Bool {
        var run = 0
        for (index, byte) in bytes.enumerated() {
            if isTokenByte(byte) {
                run += 1
                if run >= 32 { return true }
            } else {
                run = 0
            }
            if marker(at: index, in: bytes) != nil { return true }
        }
        return false
    }

    static func marker(at index: Int, in bytes: [UInt8]) -> [UInt8]? {
        let first = bytes[index] | 0x20
        guard first == UInt8(ascii: "t") || first == UInt8(ascii: "w") || first == UInt8(ascii: "b") || first == UInt8(ascii: "c")
        else { return nil }
        for marker in markers where index + marker.count <= bytes.count {
            var matches = true
            for offset in 0..<marker.count where (bytes[index + offset] | (marker[offset] >= 0x61 ? 0x20 : 0)) != marker[offset] {
                matches = false
                break
            }
            if matches { return marker }
        }
        return nil
    }

    /// Base64, base64url and hex characters (not `/`, so paths keep their ids).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
