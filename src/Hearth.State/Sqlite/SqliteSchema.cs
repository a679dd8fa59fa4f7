using System.Collections.Immutable;

namespace Hearth.State.Sqlite;

/// <summary>
/// The schema as an ordered list of steps. Append new steps; never edit one that has shipped, because
/// databases that already applied it will not run it again.
/// </summary>
/// <remarks>
/// The SQL sticks to what PostgreSQL also accepts (partial indexes, RETURNING, recursive CTEs), except
/// that <c>INTEGER PRIMARY KEY AUTOINCREMENT</c> becomes an identity column there and booleans are 0/1.
/// AUTOINCREMENT matters here: resource ids and event sequence numbers are never reused after a delete.
/// </remarks>
internal static class SqliteSchema
{
    public static ImmutableArray<SqliteMigration> Migrations { get; } =
    [
        new(1, "initial", """
            CREATE TABLE stacks (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                parent_stack_id TEXT NULL REFERENCES stacks (id) ON DELETE CASCADE,
                parent_resource_name TEXT NULL,
                action INTEGER NOT NULL,
                status INTEGER NOT NULL,
                status_reason TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NULL,
                current_template TEXT NULL,
                current_environment TEXT NULL,
                current_parameters TEXT NULL,
                previous_template TEXT NULL,
                previous_environment TEXT NULL,
                previous_parameters TEXT NULL,
                disable_rollback INTEGER NOT NULL,
                operation_id TEXT NULL
            );
            CREATE UNIQUE INDEX ux_stacks_top_level_name ON stacks (name) WHERE parent_stack_id IS NULL;
            CREATE INDEX ix_stacks_parent ON stacks (parent_stack_id);

            CREATE TABLE resources (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                action INTEGER NOT NULL,
                status INTEGER NOT NULL,
                status_reason TEXT NOT NULL,
                physical_id TEXT NULL,
                properties_json TEXT NOT NULL,
                attributes_json TEXT NOT NULL,
                metadata_json TEXT NOT NULL,
                requires_json TEXT NOT NULL,
                data_json TEXT NOT NULL,
                replaces_id INTEGER NULL REFERENCES resources (id) ON DELETE SET NULL,
                replaced_by_id INTEGER NULL REFERENCES resources (id) ON DELETE SET NULL,
                is_current INTEGER NOT NULL,
                operation_id TEXT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NULL
            );
            CREATE INDEX ix_resources_stack ON resources (stack_id, name);
            CREATE UNIQUE INDEX ux_resources_current ON resources (stack_id, name) WHERE is_current = 1;
            CREATE INDEX ix_resources_replaces ON resources (replaces_id);
            CREATE INDEX ix_resources_replaced_by ON resources (replaced_by_id);

            CREATE TABLE events (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
                stack_name TEXT NOT NULL,
                resource_name TEXT NOT NULL,
                physical_resource_id TEXT NULL,
                resource_type TEXT NOT NULL,
                action INTEGER NOT NULL,
                status INTEGER NOT NULL,
                status_reason TEXT NOT NULL,
                time TEXT NOT NULL
            );
            CREATE INDEX ix_events_stack ON events (stack_id, sequence);

            CREATE TABLE operations (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                stack_id TEXT NOT NULL REFERENCES stacks (id) ON DELETE CASCADE,
                kind INTEGER NOT NULL,
                state INTEGER NOT NULL,
                plan_json TEXT NOT NULL,
                started_at TEXT NOT NULL,
                ended_at TEXT NULL
            );
            CREATE INDEX ix_operations_stack ON operations (stack_id, seq);

            CREATE TABLE stack_locks (
                stack_id TEXT NOT NULL PRIMARY KEY REFERENCES stacks (id) ON DELETE CASCADE,
                owner_id TEXT NOT NULL,
                process_id INTEGER NOT NULL,
                process_start_ticks INTEGER NOT NULL,
                host TEXT NOT NULL,
                acquired_at TEXT NOT NULL,
                operation TEXT NOT NULL
            );
            """),
        new(2, "resources by physical id", """
            CREATE INDEX ix_resources_physical_id ON resources (physical_id) WHERE physical_id IS NOT NULL;
            """),
        // Hooks and signals were read back from their status reasons; now they are a kind and a payload (EventKind).
        // Events written before keep their reasons and gain the kind their reason stood for.
        new(3, "event kinds", """
            ALTER TABLE events ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE events ADD COLUMN payload TEXT NULL;
            UPDATE events SET kind = 4, payload = substr(status_reason, 18)
                WHERE substr(status_reason, 1, 17) = 'Signal received: ';
            UPDATE events SET kind = 1, payload = substr(status_reason, instr(status_reason, ' paused until Hook ') + 19,
                    length(status_reason) - instr(status_reason, ' paused until Hook ') - 29)
                WHERE kind = 0 AND status = 0 AND status_reason GLOB '* paused until Hook * is cleared';
            UPDATE events SET kind = 2, payload = substr(status_reason, 6, length(status_reason) - 16)
                WHERE kind = 0 AND status_reason GLOB 'Hook * is cleared';
            """),
        // Values that may hold a hidden parameter's value are sealed (SealedValues); those stored before are sealed now.
        new(SqliteSealing.SchemaVersion, "sealed values", "", SqliteSealing.SealClearValuesAsync),
        // hearth server's API tokens: the SHA-256 of each secret, which is 256 random bits (so no salt or slow hash is
        // needed: nothing can be guessed from the hash that trying 2^256 secrets would not give).
        new(5, "api tokens", """
            CREATE TABLE api_tokens (
                name TEXT NOT NULL PRIMARY KEY,
                hash TEXT NOT NULL UNIQUE,
                read_only INTEGER NOT NULL,
                created_at TEXT NOT NULL
            );
            """),
        // A deleted stack keeps its row (marked, emptied of its definitions) and its events for a while, so that a client
        // following the all-stacks event stream that was away while the stack went still reads every event it missed.
        // Names stay unique among the stacks that are not deleted.
        new(6, "deleted stacks keep their events", """
            ALTER TABLE stacks ADD COLUMN deleted_at TEXT NULL;
            DROP INDEX ux_stacks_top_level_name;
            CREATE UNIQUE INDEX ux_stacks_top_level_name ON stacks (name) WHERE parent_stack_id IS NULL AND deleted_at IS NULL;
            """),
        // A definition's template description, which a list of stacks shows (as Heat's does) without reading every
        // template. The store does not read templates: those stored before stay NULL, and the engine reads their
        // description from the template until an operation stores the definition again.
        new(7, "stack descriptions", """
            ALTER TABLE stacks ADD COLUMN current_description TEXT NULL;
            ALTER TABLE stacks ADD COLUMN previous_description TEXT NULL;
            """),
    ];
}
