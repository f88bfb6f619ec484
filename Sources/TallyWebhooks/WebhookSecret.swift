import Crypto
import Foundation

/// A signing secret as endpoints receive it: `whsec_` and the base64 of 32 random bytes.
/// The seed's signature is keyed with this whole string; Standard Webhooks with the decoded bytes.
public struct WebhookSecret: Sendable, Equatable {
    public let text: String

    public static let prefix = "whsec_"

    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) != nil else {
            return nil
        }
        self.text = text
    }

    public static func generate() -> WebhookSecret {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return WebhookSecret(prefix + bytes.base64EncodedString())!
    }

    /// The bytes the Standard Webhooks signature is keyed with.
    var keyBytes: SymmetricKey {
        SymmetricKey(data: Data(base64Encoded: String(text.dropFirst(Self.prefix.count))) ?? Data())
    }

    /// The key of the seed's `X-Webhook-Signature`: the secret string itself.
    var seedKey: SymmetricKey {
        SymmetricKey(data: Data(text.utf8))
    }
}
