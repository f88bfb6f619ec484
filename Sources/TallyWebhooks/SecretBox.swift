import Crypto
import Foundation
import TallyCore

/// Seals webhook secrets with AES-GCM before they reach the database. The endpoint id is bound
/// in as authenticated data, so a sealed secret copied onto another endpoint does not open.
public struct SecretBox: Sendable {
    // Kept as bytes: SymmetricKey is not Sendable in this swift-crypto.
    private let keyBytes: [UInt8]

    public init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Array($0) }
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public func seal(_ secret: WebhookSecret, for endpointID: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(Data(secret.text.utf8), using: key, authenticating: Data(endpointID.utf8))
        guard let combined = box.combined else { throw SecretKeyError("AES-GCM gave no combined form") }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8], for endpointID: String) throws -> WebhookSecret {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: key, authenticating: Data(endpointID.utf8))
            guard let secret = WebhookSecret(String(decoding: plain, as: UTF8.self)) else {
                throw SecretKeyError("a stored webhook secret is malformed")
            }
            return secret
        } catch let error as SecretKeyError {
            throw error
        } catch {
            throw SecretKeyError(
                "cannot decrypt the secret of webhook \(endpointID): TALLY_SECRET_KEY (or the key file) is not the key it was sealed with")
        }
    }
}

public struct SecretKeyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
