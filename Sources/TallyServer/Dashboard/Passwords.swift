import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt, off the event loops: one hash takes a good fraction of a second on purpose.
public enum Passwords {
    static let minimumLength = 8
    /// bcrypt reads at most 72 bytes; longer passwords would be silently cut.
    static let maximumBytes = 72

    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "at most \(maximumBytes) bytes" }
        return nil
    }

    public static func hash(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verify(_ password: String, hash: String?, cost: UInt8) async throws -> Bool {
        // Without a stored hash the same work is done against a dummy, so timing does not tell
        // which logins exist.
        let stored = hash ?? dummyHash(cost: cost)
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: stored) }
        return matches && hash != nil
    }

    private static let dummies = Mutex<[UInt8: String]>([:])

    /// A hash of a random string at the configured cost, made once.
    private static func dummyHash(cost: UInt8) -> String {
        if let hash = dummies.withLock({ $0[cost] }) { return hash }
        let hash = Bcrypt.hash(SessionCookies.randomToken(), cost: cost)
        dummies.withLock { $0[cost] = hash }
        return hash
    }
}
