using Microsoft.Data.Sqlite;

namespace Hearth.State.Sqlite;

/// <summary>Which SQLite failures are the user's to fix, and the typed exception each becomes.</summary>
internal static class SqliteErrors
{
    private const int Perm = 3;
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoErr = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Constraint = 19;
    private const int NotADatabase = 26;

    public static bool IsBusy(SqliteException exception) => exception.SqliteErrorCode is Busy or Locked;

    public static bool IsConstraint(SqliteException exception) => exception.SqliteErrorCode == Constraint;

    public static bool IsDamage(SqliteException exception) => exception.SqliteErrorCode is Corrupt or NotADatabase;

    /// <summary>A write the file system refused: disk full, read-only, no permission (SQLite reports a full -shm as an I/O error).</summary>
    public static bool IsWriteFailure(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: Perm or ReadOnly or IoErr or Full or CantOpen }
            or IOException
            or UnauthorizedAccessException;

    public static StateStoreBusyException ToBusy(SqliteException exception) =>
        new("The state database stayed busy (another Hearth process is writing) past the busy timeout.", exception);

    /// <summary>The typed exception for a failure the user can fix, or null for any other.</summary>
    public static StateStoreException? Translate(Exception exception, string databasePath) => exception switch
    {
        SqliteException sqlite when IsBusy(sqlite) => ToBusy(sqlite),
        SqliteException sqlite when IsDamage(sqlite) => Damaged(databasePath, sqlite),
        _ when IsWriteFailure(exception) => new StateNotWritableException(
            databasePath,
            exception is SqliteException { SqliteErrorCode: Full }
                ? "the disk is full"
                : StateFolder.DescribeWriteFailure(Path.GetDirectoryName(databasePath) ?? "."),
            exception),
        _ => null,
    };

    public static StateDamagedException Damaged(string databasePath, SqliteException exception) =>
        new(databasePath, $"is damaged or not a database (SQLite: {SQLitePCL.raw.sqlite3_errstr(exception.SqliteErrorCode).utf8_to_string()})", exception);
}
