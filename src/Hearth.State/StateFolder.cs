namespace Hearth.State;

/// <summary>
/// The state folder holds secrets (hidden parameters, deployment outputs) and decides what runs: it must be the user's
/// own, and nobody else may write it or its database files.
/// </summary>
public static class StateFolder
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Creates <paramref name="folder"/> (mode 0700) if it does not exist, and refuses it when another user owns it or
    /// group or others may write it. A sticky bit does not make a shared folder safe: others could still create the
    /// database's -wal file or the deployments folder before Hearth does.
    /// </summary>
    /// <exception cref="StateFolderUnsafeException">Another user could write the folder.</exception>
    public static void EnsurePrivate(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        // A new folder is private to the user; an existing one keeps its mode (the user chose it) but is checked. Both
        // always: a folder another user made between a check for it and its creation is checked like any other.
        Directory.CreateDirectory(folder, Private);
        CheckOwner(folder);
        var mode = File.GetUnixFileMode(folder);
        if ((mode & WritableByOthers) != 0)
        {
            throw new StateFolderUnsafeException(
                folder,
                $"can be written by {((mode & UnixFileMode.OtherWrite) != 0 ? "every user" : "its group")} (mode {Octal(mode)})");
        }
    }

    /// <summary>
    /// Refuses a file another user owns, and makes one that exists private (0600) whatever mode it had: a database
    /// copied in, or made by an older Hearth or by hand, is readable by others until then.
    /// </summary>
    /// <exception cref="StateFolderUnsafeException">Another user owns the file.</exception>
    public static void MakePrivate(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        CheckOwner(path);
        try
        {
            if ((File.GetUnixFileMode(path) & ~PrivateFile) != 0)
            {
                File.SetUnixFileMode(path, PrivateFile);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only file system: nothing can be written there, and opening says so.
        }
    }

    /// <summary>Creates a new file only the user can read and write (0600 from the start, never readable by others even for a moment).</summary>
    internal static FileStream CreatePrivateFile(string path, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>
    /// Gives a complete file built under another name its real name, unless a file of that name exists (another process
    /// made it first, and that one is used): a link, unlike a rename, never replaces it.
    /// </summary>
    internal static void PublishNew(string building, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(building, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first.
            }
        }
        else
        {
            NativeFiles.TryLinkNew(building, path);
        }
    }

    /// <summary>Why nothing could be written in <paramref name="folder"/>: the disk is full, or the folder refuses writes.</summary>
    public static string DescribeWriteFailure(string folder)
    {
        try
        {
            if (new DriveInfo(folder).AvailableFreeSpace == 0)
            {
                return "the disk is full";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No figure for the free space: try a write below.
        }

        try
        {
            using var probe = new FileStream(
                Path.Combine(folder, $".write-check-{Guid.NewGuid():N}"),
                FileMode.CreateNew,
                FileAccess.Write,
                FileShare.None,
                1,
                FileOptions.DeleteOnClose);
            probe.WriteByte(0);
            probe.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.HResult == DiskFullHResult ? "the disk is full" : $"the folder cannot be written ({Reason(e)})";
        }

        return "the file cannot be written";
    }

    // ENOSPC as .NET reports it on Unix.
    private const int DiskFullHResult = 28;

    private static string Reason(Exception e) =>
        e.Message.Split(" : ", 2)[0].TrimEnd('.');

    private static void CheckOwner(string path)
    {
        if (NativeFiles.Owner(path) is { } owner && owner != NativeFiles.CurrentUser && owner != 0)
        {
            throw new StateFolderUnsafeException(path, $"belongs to another user (uid {owner})");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
