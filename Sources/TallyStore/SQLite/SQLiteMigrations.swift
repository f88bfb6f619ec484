import GRDB

/// The schema, one migration per change. Never edit a migration that has shipped: add one.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-users-logs-appointments-keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        email TEXT,
                        role TEXT NOT NULL,
                        timezone TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE TABLE daily_logs (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        date TEXT NOT NULL,
                        reviews INTEGER NOT NULL,
                        demos INTEGER NOT NULL,
                        callbacks INTEGER NOT NULL,
                        notes TEXT,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        UNIQUE (user_id, date)
                    );
                    CREATE INDEX daily_logs_by_date ON daily_logs(date, id);
                    CREATE INDEX daily_logs_by_update ON daily_logs(updated_at);
                    CREATE TABLE appointments (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        customer_name TEXT NOT NULL,
                        appointment_date TEXT NOT NULL,
                        starts_at DATETIME NOT NULL,
                        status TEXT NOT NULL,
                        duration_minutes INTEGER,
                        customer_email TEXT,
                        customer_phone TEXT,
                        address TEXT,
                        notes TEXT,
                        metadata TEXT NOT NULL DEFAULT '{}',
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE INDEX appointments_by_time ON appointments(starts_at, id);
                    CREATE INDEX appointments_by_user ON appointments(user_id, starts_at);
                    CREATE INDEX appointments_by_update ON appointments(updated_at);
                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        prefix TEXT NOT NULL,
                        lookup TEXT NOT NULL UNIQUE,
                        secret_hash BLOB NOT NULL,
                        scopes TEXT NOT NULL,
                        user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
                        created_at DATETIME NOT NULL,
                        last_used_at DATETIME,
                        expires_at DATETIME,
                        revoked_at DATETIME
                    );
                    CREATE TABLE idempotency_keys (
                        api_key_id TEXT NOT NULL,
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        status INTEGER,
                        content_type TEXT,
                        location TEXT,
                        body BLOB,
                        PRIMARY KEY (api_key_id, key)
                    );
                    CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);
                    """)
        }
        migrator.registerMigration("2-webhooks-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook_endpoints (
                        id TEXT PRIMARY KEY NOT NULL,
                        url TEXT NOT NULL,
                        events TEXT NOT NULL,
                        description TEXT,
                        enabled INTEGER NOT NULL,
                        disabled_reason TEXT,
                        failing_since DATETIME,
                        secret BLOB NOT NULL,
                        previous_secret BLOB,
                        previous_secret_expires_at DATETIME,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    CREATE TABLE events (
                        id TEXT PRIMARY KEY NOT NULL,
                        type TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX events_by_age ON events(created_at);
                    CREATE TABLE webhook_deliveries (
                        id TEXT PRIMARY KEY NOT NULL,
                        endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME,
                        last_attempt_at DATETIME,
                        last_status_code INTEGER,
                        last_latency_ms INTEGER,
                        last_response TEXT,
                        last_error TEXT,
                        created_at DATETIME NOT NULL,
                        delivered_at DATETIME
                    );
                    CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
                    CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries(endpoint_id, id);
                    CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries(event_id);
                    """)
        }
        migrator.registerMigration("3-deliveries-due-per-endpoint") { db in
            try db.execute(
                sql: """
                    CREATE INDEX webhook_deliveries_due_per_endpoint
                    ON webhook_deliveries(endpoint_id, state, next_attempt_at)
                    """)
        }
        migrator.registerMigration("4-time-entries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE time_entries (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        source TEXT NOT NULL,
                        external_id TEXT,
                        description TEXT NOT NULL,
                        project TEXT,
                        tags TEXT NOT NULL DEFAULT '[]',
                        category TEXT NOT NULL,
                        start_at DATETIME NOT NULL,
                        stop_at DATETIME,
                        timezone TEXT,
                        details TEXT NOT NULL DEFAULT '{}',
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        UNIQUE (source, external_id)
                    );
                    CREATE INDEX time_entries_by_user ON time_entries(user_id, start_at);
                    CREATE INDEX time_entries_by_update ON time_entries(updated_at);
                    """)
        }
        migrator.registerMigration("5-sync") { db in
            try db.execute(
                sql: """
                    ALTER TABLE time_entries ADD COLUMN category_manual BOOLEAN NOT NULL DEFAULT 0;
                    CREATE INDEX time_entries_by_source ON time_entries(source, user_id, start_at);
                    CREATE TABLE sync_state (
                        source TEXT PRIMARY KEY NOT NULL,
                        cursor TEXT,
                        last_attempt_at DATETIME,
                        last_success_at DATETIME,
                        last_error TEXT,
                        wait_until DATETIME,
                        quota_remaining INTEGER,
                        quota_resets_at DATETIME
                    );
                    CREATE TABLE sync_runs (
                        id INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        started_at DATETIME NOT NULL,
                        finished_at DATETIME NOT NULL,
                        requests INTEGER NOT NULL,
                        fetched INTEGER NOT NULL,
                        added INTEGER NOT NULL,
                        updated INTEGER NOT NULL,
                        unchanged INTEGER NOT NULL,
                        deleted INTEGER NOT NULL,
                        error TEXT
                    );
                    CREATE INDEX sync_runs_by_source ON sync_runs(source, started_at);
                    CREATE TABLE inbound_events (
                        source TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        received_at DATETIME NOT NULL,
                        PRIMARY KEY (source, event_id)
                    );
                    CREATE INDEX inbound_events_by_age ON inbound_events(received_at);
                    CREATE TABLE settings (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL,
                        updated_at DATETIME NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("6-source-changed-at") { db in
            try db.execute(sql: "ALTER TABLE time_entries ADD COLUMN source_changed_at DATETIME")
        }
        migrator.registerMigration("7-dashboard") { db in
            try db.execute(
                sql: """
                    ALTER TABLE users ADD COLUMN password_hash TEXT;
                    CREATE TABLE sessions (
                        id_hash TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        csrf_token TEXT NOT NULL,
                        created_at DATETIME NOT NULL,
                        expires_at DATETIME NOT NULL
                    );
                    CREATE INDEX sessions_by_user ON sessions(user_id);
                    CREATE INDEX sessions_by_expiry ON sessions(expires_at);
                    CREATE TABLE goal_achievements (
                        user_id TEXT NOT NULL,
                        goal TEXT NOT NULL,
                        period TEXT NOT NULL,
                        achieved_at DATETIME NOT NULL,
                        PRIMARY KEY (user_id, goal, period)
                    );
                    """)
        }
        migrator.registerMigration("8-time-entries-by-stop") { db in
            // Reports read "entries ending after the window starts and starting before it ends";
            // with only (user_id, start_at) SQLite walked a user's whole history for this week.
            try db.execute(
                sql: """
                    CREATE INDEX time_entries_by_user_stop ON time_entries(user_id, stop_at);
                    CREATE INDEX time_entries_by_stop ON time_entries(stop_at);
                    """)
        }
        migrator.registerMigration("9-time-entry-journal") { db in
            // Which entries changed, in commit order, whoever changed them (this process, the
            // CLI, another server): the server's in-memory report table reads it to stay current.
            // Triggers, so no write path can forget it; the server keeps the newest rows.
            try db.execute(
                sql: """
                    CREATE TABLE time_entry_journal (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id TEXT NOT NULL
                    );
                    CREATE TRIGGER time_entry_journal_insert AFTER INSERT ON time_entries BEGIN
                        INSERT INTO time_entry_journal (entry_id) VALUES (NEW.id);
                    END;
                    CREATE TRIGGER time_entry_journal_update AFTER UPDATE ON time_entries
                    WHEN NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id OR NEW.source IS NOT OLD.source
                        OR NEW.category IS NOT OLD.category OR NEW.start_at IS NOT OLD.start_at
                        OR NEW.stop_at IS NOT OLD.stop_at
                    BEGIN
                        INSERT INTO time_entry_journal (entry_id) VALUES (OLD.id);
                        INSERT INTO time_entry_journal (entry_id) SELECT NEW.id WHERE NEW.id IS NOT OLD.id;
                    END;
                    CREATE TRIGGER time_entry_journal_delete AFTER DELETE ON time_entries BEGIN
                        INSERT INTO time_entry_journal (entry_id) VALUES (OLD.id);
                    END;
                    """)
        }
        migrator.registerMigration("10-time-entry-identity-per-user") { db in
            // An entry's (source, external id) identifies it within one user's entries: two people
            // importing the same (or an overlapping) Apple Health export each get their workouts.
            // SQLite cannot change a table constraint in place, so the table is rebuilt: copied,
            // swapped, and its indexes and the journal triggers of migration 9 made again (GRDB
            // defers foreign-key checks to the end of the migration).
            try db.execute(
                sql: """
                    CREATE TABLE time_entries_rebuilt (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        source TEXT NOT NULL,
                        external_id TEXT,
                        description TEXT NOT NULL,
                        project TEXT,
                        tags TEXT NOT NULL DEFAULT '[]',
                        category TEXT NOT NULL,
                        start_at DATETIME NOT NULL,
                        stop_at DATETIME,
                        timezone TEXT,
                        details TEXT NOT NULL DEFAULT '{}',
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        category_manual BOOLEAN NOT NULL DEFAULT 0,
                        source_changed_at DATETIME,
                        UNIQUE (user_id, source, external_id)
                    );
                    INSERT INTO time_entries_rebuilt (
                        id, user_id, source, external_id, description, project, tags, category, start_at, stop_at,
                        timezone, details, created_at, updated_at, category_manual, source_changed_at)
                    SELECT
                        id, user_id, source, external_id, description, project, tags, category, start_at, stop_at,
                        timezone, details, created_at, updated_at, category_manual, source_changed_at
                    FROM time_entries;
                    DROP TABLE time_entries;
                    ALTER TABLE time_entries_rebuilt RENAME TO time_entries;
                    CREATE INDEX time_entries_by_user ON time_entries(user_id, start_at);
                    CREATE INDEX time_entries_by_update ON time_entries(updated_at);
                    CREATE INDEX time_entries_by_source ON time_entries(source, user_id, start_at);
                    CREATE INDEX time_entries_by_user_stop ON time_entries(user_id, stop_at);
                    CREATE INDEX time_entries_by_stop ON time_entries(stop_at);
                    CREATE INDEX time_entries_by_external_id ON time_entries(source, external_id);
                    CREATE TRIGGER time_entry_journal_insert AFTER INSERT ON time_entries BEGIN
                        INSERT INTO time_entry_journal (entry_id) VALUES (NEW.id);
                    END;
                    CREATE TRIGGER time_entry_journal_update AFTER UPDATE ON time_entries
                    WHEN NEW.id IS NOT OLD.id OR NEW.user_id IS NOT OLD.user_id OR NEW.source IS NOT OLD.source
                        OR NEW.category IS NOT OLD.category OR NEW.start_at IS NOT OLD.start_at
                        OR NEW.stop_at IS NOT OLD.stop_at
                    BEGIN
                        INSERT INTO time_entry_journal (entry_id) VALUES (OLD.id);
                        INSERT INTO time_entry_journal (entry_id) SELECT NEW.id WHERE NEW.id IS NOT OLD.id;
                    END;
                    CREATE TRIGGER time_entry_journal_delete AFTER DELETE ON time_entries BEGIN
                        INSERT INTO time_entry_journal (entry_id) VALUES (OLD.id);
                    END;
                    """)
        }
        return migrator
    }
}
