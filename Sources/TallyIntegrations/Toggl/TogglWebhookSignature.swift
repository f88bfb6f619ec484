import Crypto
import Foundation

/// Toggl signs each webhook delivery with `X-Webhook-Signature-256: sha256=<hex>`, an
/// HMAC-SHA256 of the raw body keyed with the subscription's secret.
public enum TogglWebhookSignature {
    public static let headerName = "X-Webhook-Signature-256"

    /// Checks the header against the raw body, in constant time.
    public static func isValid(header: String?, body: some DataProtocol, secret: String) -> Bool {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("sha256="),
            let mac = bytes(hex: header.dropFirst("sha256=".count)), mac.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// The header value for `body`: what Toggl sends, and what tests sign with.
    public static func header(body: some DataProtocol, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
        }
        return result
    }
}
