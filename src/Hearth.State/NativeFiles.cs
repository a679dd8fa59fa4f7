using System.Runtime.InteropServices;

namespace Hearth.State;

/// <summary>The file calls .NET has no API for (Linux): who owns a file, who this process is, a link that never replaces.</summary>
internal static unsafe partial class NativeFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;

    // struct statx is 256 bytes with a fixed layout on every architecture; stx_uid is at offset 20.
    private const int StatxSize = 256;
    private const int UidOffset = 20;

    /// <summary>The effective user id of this process.</summary>
    public static uint CurrentUser => GetEuid();

    /// <summary>The owner of <paramref name="path"/> (not following a final link), or null where it cannot be read.</summary>
    public static uint? Owner(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) == 0 ? *(uint*)(buffer + UidOffset) : null;
    }

    /// <summary>
    /// Gives <paramref name="existing"/> the name <paramref name="newPath"/> too, failing if that name exists (link(2)):
    /// unlike a rename, it never replaces a file another process put there meanwhile.
    /// </summary>
    /// <returns>Whether the link was made; false when <paramref name="newPath"/> exists.</returns>
    /// <exception cref="IOException">Any other failure.</exception>
    public static bool TryLinkNew(string existing, string newPath)
    {
        if (Link(existing, newPath) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EExist ? false : throw new IOException($"cannot link '{existing}' to '{newPath}' (errno {errno})", errno);
    }

    private const int EExist = 17;

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
