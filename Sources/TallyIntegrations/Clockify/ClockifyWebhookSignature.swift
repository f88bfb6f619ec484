import Crypto
import Foundation

/// Clockify's webhook authentication: the `Clockify-Signature` header carries the webhook's
/// `authToken` itself, not an HMAC of the body.
public enum ClockifyWebhookSignature {
    public static let headerName = "Clockify-Signature"

    /// True when `header` is `token`. Both are hashed first so that the comparison takes the same
    /// time whatever the header holds, its length included; an empty token never matches.
    public static func isValid(header: String?, token: String) -> Bool {
        guard let header, !token.isEmpty else { return false }
        let given = SHA256.hash(data: Data(header.utf8))
        let expected = SHA256.hash(data: Data(token.utf8))
        var difference: UInt8 = 0
        for (left, right) in zip(given, expected) { difference |= left ^ right }
        return difference == 0
    }
}
