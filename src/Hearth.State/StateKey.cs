using System.Security.Cryptography;

namespace Hearth.State;

/// <summary>
/// The key that seals values at rest (<see cref="SealedValues"/>): 32 random bytes in <c>hearth.key</c> beside the
/// database, mode 0600, made the first time a value is sealed. It is to be backed up with the database: without it the
/// sealed values cannot be read.
/// </summary>
internal static class StateKey
{
    public const string FileName = "hearth.key";

    public const int Length = 32;

    /// <summary>The key in <paramref name="path"/>, or null when there is no such file.</summary>
    /// <exception cref="StateKeyException">The file is not a key.</exception>
    public static byte[]? Load(string path, string databasePath)
    {
        byte[] key;
        try
        {
            key = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return key.Length == Length
            ? key
            : throw new StateKeyException(path, databasePath, $"is not a Hearth key ({key.Length} bytes, not {Length})");
    }

    /// <summary>
    /// Makes a new key file, or reads the one another process made first: the key is written under another name and
    /// linked into place complete, so no process ever reads half a key or replaces one.
    /// </summary>
    public static byte[] Create(string path, string databasePath)
    {
        var building = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.new-{Guid.NewGuid():N}");
        try
        {
            using (var file = StateFolder.CreatePrivateFile(building, FileAccess.Write))
            {
                file.Write(RandomNumberGenerator.GetBytes(Length));
                file.Flush(flushToDisk: true);
            }

            StateFolder.PublishNew(building, path);
        }
        finally
        {
            File.Delete(building);
        }

        return Load(path, databasePath) ?? throw new StateKeyException(path, databasePath, "vanished just after it was made");
    }
}
