using System.Runtime.InteropServices;

namespace Hearth.State;

/// <summary>Who owns a file, and who this process is (Linux; .NET has no API for either).</summary>
internal static unsafe partial class FileOwner
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
    public static uint? Of(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) == 0 ? *(uint*)(buffer + UidOffset) : null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
