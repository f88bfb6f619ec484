import Crypto
import Foundation
import TallyStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the key that seals webhook secrets comes from: `TALLY_SECRET_KEY` (base64 of 32 bytes),
/// else a key file (`TALLY_SECRET_KEY_FILE`, by default `tally-secret.key` beside the SQLite
/// database), created with 0600 permissions on first use.
public enum SecretKeySource {
    public static func load(environment: [String: String], databasePath: String?) throws -> SecretBox {
        if let text = environment["TALLY_SECRET_KEY"], !text.isEmpty {
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw SecretKeyError("TALLY_SECRET_KEY must be the base64 of 32 bytes (try: openssl rand -base64 32)")
            }
            return SecretBox(key: SymmetricKey(data: bytes))
        }
        let path = environment["TALLY_SECRET_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultKeyFile(beside: databasePath)
        return SecretBox(key: try loadOrCreate(path: path))
    }

    public static func defaultKeyFile(beside databasePath: String?) -> String {
        guard let databasePath else { return "tally-secret.key" }
        return URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("tally-secret.key").path
    }

    static func loadOrCreate(path: String) throws -> SymmetricKey {
        if let existing = FileManager.default.contents(atPath: path) {
            let text = String(decoding: existing, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw SecretKeyError("the key file \(path) does not hold the base64 of 32 bytes")
            }
            return SymmetricKey(data: bytes)
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        // Written whole to a private temporary file, then linked into place: a process racing to
        // create the key either wins or reads the complete key the winner wrote.
        let temporary = "\(path).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw SecretKeyError("cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let written = text.utf8CString.withUnsafeBufferPointer { buffer in
            write(descriptor, buffer.baseAddress, buffer.count - 1)
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == text.utf8.count, synced else {
            throw SecretKeyError("cannot write the key file \(path): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return try loadOrCreate(path: path) }
            throw SecretKeyError("cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        return key
    }
}

extension DatabaseLocation {
    /// The secret box for this database: the key from the environment, or the key file beside it.
    public func secretBox(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SecretBox {
        switch self {
        case .sqlite(let path): try SecretKeySource.load(environment: environment, databasePath: path)
        case .postgres: try SecretKeySource.load(environment: environment, databasePath: nil)
        }
    }
}
