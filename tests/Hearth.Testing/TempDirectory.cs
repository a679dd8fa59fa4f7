namespace Hearth.Testing;

/// <summary>A temporary folder of its own for one test, deleted at the end (private to its owner: 0700).</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "hearth-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> (folders included) and returns its path.</summary>
    public string File(string name, string content)
    {
        var path = Combine(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path) ?? Path);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A path inside the folder; nothing is created (a state folder the code under test must make).</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process a test started may still hold a file; the OS cleans temp folders.
        }
        catch (UnauthorizedAccessException)
        {
            // A test that took permissions away (a read-only folder) must not fail in its cleanup.
        }
    }
}
