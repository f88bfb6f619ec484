import GRDBSQLite
import Synchronization

/// SQLite's `PRAGMA data_version` on a connection of its own that never writes: the value moves
/// on every commit by any other connection, in this process or another. One call is a short
/// read transaction (a look at the WAL index), a few microseconds.
final class SQLiteChanges: ChangeCounter, @unchecked Sendable {
    /// Guards the connection and its statement; SQLite handles are used by one thread at a time.
    private let lock = Mutex<Void>(())
    private let connection: OpaquePointer
    private let statement: OpaquePointer

    init?(path: String) {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let connection else {
            sqlite3_close(connection)
            return nil
        }
        sqlite3_busy_timeout(connection, 1000)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK, let statement
        else {
            sqlite3_close(connection)
            return nil
        }
        self.connection = connection
        self.statement = statement
    }

    func current() -> UInt64? {
        lock.withLock { _ in
            defer { sqlite3_reset(statement) }
            guard sqlite3_step(statement) == SQLITE_ROW else { return nil }
            return UInt64(bitPattern: sqlite3_column_int64(statement, 0))
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(connection)
    }
}
