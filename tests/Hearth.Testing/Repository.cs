namespace Hearth.Testing;

/// <summary>Where the repository's files are (examples, test data), found from the test assembly's folder.</summary>
public static class Repository
{
    /// <summary>The repository root: the first folder above the test assembly that holds Hearth.slnx.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Hearth.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("cannot find the repository root (Hearth.slnx) above " + AppContext.BaseDirectory);
        }
    }
}
