namespace Hearth.State;

/// <summary>The base of every failure the state store reports on purpose.</summary>
public class StateStoreException : Exception
{
    public StateStoreException(string message)
        : base(message)
    {
    }

    public StateStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A top-level stack with this name already exists.</summary>
public sealed class StackAlreadyExistsException(string name)
    : StateStoreException($"A stack named '{name}' already exists.")
{
    /// <summary>The name that is taken.</summary>
    public string Name { get; } = name;
}

/// <summary>The stack does not exist (any more).</summary>
public sealed class StackNotFoundException(string stackId)
    : StateStoreException($"Stack '{stackId}' does not exist.")
{
    /// <summary>The id that was looked for.</summary>
    public string StackId { get; } = stackId;
}

/// <summary>The resource row does not exist (any more).</summary>
public sealed class ResourceNotFoundException(long resourceId)
    : StateStoreException($"Resource row {resourceId} does not exist.")
{
    /// <summary>The id that was looked for.</summary>
    public long ResourceId { get; } = resourceId;
}

/// <summary>The operation does not exist in the journal.</summary>
public sealed class OperationNotFoundException(string operationId)
    : StateStoreException($"Operation '{operationId}' does not exist.")
{
    /// <summary>The id that was looked for.</summary>
    public string OperationId { get; } = operationId;
}

/// <summary>
/// A write would break an invariant the store keeps: a second current instance of a resource name, a
/// duplicate event or operation id, or a reference to a row that does not exist.
/// </summary>
public sealed class StateConflictException(string message, Exception innerException)
    : StateStoreException(message, innerException);

/// <summary>The state database was written by a newer Hearth whose schema this version does not know.</summary>
public sealed class StateSchemaTooNewException(string path, int databaseVersion, int supportedVersion)
    : StateStoreException(
        $"The state database '{path}' has schema version {databaseVersion}, but this Hearth supports up to "
        + $"{supportedVersion}. Upgrade Hearth to use it.")
{
    /// <summary>The schema version recorded in the database.</summary>
    public int DatabaseVersion { get; } = databaseVersion;

    /// <summary>The newest schema version this code can use.</summary>
    public int SupportedVersion { get; } = supportedVersion;
}

/// <summary>
/// Another process kept the state database busy for longer than the store's busy timeout. The write did
/// not happen; retrying later is safe.
/// </summary>
public sealed class StateStoreBusyException(string message, Exception innerException)
    : StateStoreException(message, innerException);

/// <summary>
/// The state cannot be used as it is: the database is damaged or not Hearth's, it cannot be written, or the state
/// folder is not private. The message names the file and the problem; the user fixes it, then retries (an operation
/// that stopped part-way resumes).
/// </summary>
public abstract class StateUnusableException(string path, string message, Exception? innerException)
    : StateStoreException(message, innerException)
{
    /// <summary>The file or folder at fault.</summary>
    public string Path { get; } = path;
}

/// <summary>The database file is damaged, empty, or not a Hearth state database: it is refused, never started over.</summary>
public sealed class StateDamagedException(string path, string problem, Exception? innerException = null)
    : StateUnusableException(
        path,
        $"The state database '{path}' {problem}. Hearth does not start a new state over it: restore it from a backup, "
        + "or move it away to start with no stacks.",
        innerException);

/// <summary>
/// A write to the state failed (the disk is full, the folder is read-only or not the user's to write): nothing of that
/// write was kept. Reads still work.
/// </summary>
public sealed class StateNotWritableException(string path, string problem, Exception? innerException = null)
    : StateUnusableException(path, $"Cannot write the state database '{path}': {problem}.", innerException);

/// <summary>Another user could write the state folder or its database files, so Hearth does not use them.</summary>
public sealed class StateFolderUnsafeException(string path, string problem)
    : StateUnusableException(
        path,
        $"'{path}' {problem}: another user could change the state or read its secrets. Make the state folder and its "
        + "files the user's own and not writable by group or others (chmod 700).",
        null);

/// <summary>
/// The key that seals values in the state (<c>hearth.key</c>) is missing, is not a key, or is not the one the database's
/// values were sealed with. Nothing is changed: restore the key file that was backed up with the database.
/// </summary>
public sealed class StateKeyException(string keyPath, string databasePath, string problem, Exception? innerException = null)
    : StateUnusableException(
        keyPath,
        $"The state key '{keyPath}' {problem}. Hidden values in '{databasePath}' are sealed with that key: restore the key "
        + "file backed up with this database (Hearth never makes a new key for a database that has sealed values).",
        innerException);
