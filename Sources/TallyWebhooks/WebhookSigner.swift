import Crypto
import Foundation

/// The signature headers of one delivery attempt, in both schemes Tally speaks:
/// the seed's (`X-Webhook-*`, hex HMAC of the body keyed with the secret string) and
/// Standard Webhooks v1 (`webhook-*`, base64 HMAC of "id.timestamp.body" keyed with the secret's bytes).
public enum WebhookSigner {
    /// `secrets` is newest first; during a rotation the previous secret signs too (Standard
    /// Webhooks lists every signature; the seed's single header carries the newest).
    public static func headers(
        eventID: String, eventType: String, timestamp: Int, body: [UInt8], secrets: [WebhookSecret]
    ) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("X-Webhook-Event", eventType),
            ("X-Webhook-Timestamp", String(timestamp)),
            ("webhook-id", eventID),
            ("webhook-timestamp", String(timestamp)),
        ]
        if let newest = secrets.first {
            headers.append(("X-Webhook-Signature", seedSignature(body: body, secret: newest)))
        }
        let standard = secrets.map { standardSignature(eventID: eventID, timestamp: timestamp, body: body, secret: $0) }
        headers.append(("webhook-signature", standard.joined(separator: " ")))
        return headers
    }

    /// Lowercase hex HMAC-SHA256 of the raw body, keyed with the secret string (the seed's contract).
    public static func seedSignature(body: [UInt8], secret: WebhookSecret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: secret.seedKey)
        return hex(code)
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the decoded secret.
    public static func standardSignature(eventID: String, timestamp: Int, body: [UInt8], secret: WebhookSecret) -> String {
        var hmac = HMAC<SHA256>(key: secret.keyBytes)
        hmac.update(data: Array("\(eventID).\(timestamp).".utf8))
        hmac.update(data: body)
        return "v1," + Data(hmac.finalize()).base64EncodedString()
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hex(_ code: some Sequence<UInt8>) -> String {
        var characters: [UInt8] = []
        for byte in code {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 15)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
