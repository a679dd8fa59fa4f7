using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Templates.Files;

/// <summary>Why a file was not read.</summary>
public enum FileProblem
{
    None,
    NotFound,

    /// <summary>A FIFO, device, directory or socket (or, when links are not followed, a symbolic link).</summary>
    NotRegular,
    TooLarge,

    /// <summary>The file, links resolved, lies outside the folders it may be read from.</summary>
    OutsideRoots,
    Unreadable,
}

/// <summary>What reading a file gave: its bytes, or the problem and a phrase that says it ("a FIFO").</summary>
/// <param name="Detail">For <see cref="FileProblem.OutsideRoots"/>, the file's real path.</param>
public sealed record RegularFileRead(byte[]? Bytes, FileProblem Problem, string Detail);

/// <summary>
/// Reads a regular file whole, up to a limit, without blocking on or draining what is not a file: the file is opened
/// non-blocking (opening a FIFO that has no writer waits forever otherwise), and its type, size and real path are taken
/// from the open descriptor, so a link swapped in after a check cannot change what is read. A FIFO or a device
/// (<c>/dev/zero</c>) is refused before a byte is read, and so is a file larger than the limit (a huge sparse file).
/// Linux: the real path comes from <c>/proc/self/fd</c>.
/// </summary>
public static partial class RegularFile
{
    private const int OReadOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloseOnExec = 0x80000;
    private const int ATEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int ENoent = 2;
    private const int EAccess = 13;
    private const int ENotDir = 20;
    private const int ELoop = 40;

    // struct statx has one layout on every Linux architecture: stx_mode is the u16 at byte 28, stx_size the u64 at 40.
    private const int StatxBytes = 256;
    private const int StatxModeOffset = 28;
    private const int StatxSizeOffset = 40;

    /// <summary>Reads <paramref name="path"/> when it is a regular file of at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="followLinks">False: a symbolic link as the last part of the path is refused, not followed.</param>
    /// <param name="isRealPathAllowed">When given, the file's path with every link resolved must pass it.</param>
    public static RegularFileRead Read(string path, long maxBytes, bool followLinks = true, Func<string, bool>? isRealPathAllowed = null)
    {
        var flags = OReadOnly | ONonBlock | ONoCtty | OCloseOnExec | (followLinks ? 0 : NoFollowFlag);
        var fd = Open(path, flags);
        if (fd < 0)
        {
            return OpenFailure(Marshal.GetLastPInvokeError(), followLinks);
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Kind(fd) is not (var kind, var size))
        {
            return new RegularFileRead(null, FileProblem.Unreadable, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        if (kind is not null)
        {
            return new RegularFileRead(null, FileProblem.NotRegular, kind);
        }

        if (isRealPathAllowed is not null && RealPath(fd) is { } real && !isRealPathAllowed(real))
        {
            return new RegularFileRead(null, FileProblem.OutsideRoots, real);
        }

        if (size > maxBytes)
        {
            return TooLarge(size, maxBytes);
        }

        return ReadAll(handle, size, maxBytes);
    }

    /// <summary>The path of a folder with every link resolved, or the path as given when it cannot be opened.</summary>
    public static string RealFolderPath(string folder)
    {
        var fd = Open(folder, OReadOnly | ONonBlock | OCloseOnExec);
        if (fd < 0)
        {
            return folder;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        return RealPath(fd) ?? folder;
    }

    /// <summary>The text of a file's bytes as <see cref="File.ReadAllText(string)"/> reads it: UTF-8 unless a byte order mark says otherwise.</summary>
    public static string Text(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>"1 MiB", "512 KiB", "64 GiB"; an uneven size in bytes ("1,048,577 bytes").</summary>
    public static string FormatBytes(long bytes)
    {
        const long KiB = 1024;
        foreach (var (unit, name) in new[] { (KiB * KiB * KiB, "GiB"), (KiB * KiB, "MiB"), (KiB, "KiB") })
        {
            if (bytes >= unit && bytes % unit == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / unit} {name}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");
    }

    private static RegularFileRead TooLarge(long size, long maxBytes) =>
        new(null, FileProblem.TooLarge, $"{FormatBytes(size)}, more than the {FormatBytes(maxBytes)} allowed");

    private static RegularFileRead ReadAll(SafeFileHandle handle, long size, long maxBytes)
    {
        // The size is a hint: a file may grow while it is read, and some (in /proc) say 0 and have content.
        var buffer = new byte[(int)Math.Min(maxBytes + 1, Math.Max(size + 1, 4096))];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > maxBytes)
                {
                    return TooLarge(total, maxBytes);
                }

                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
            }

            int read;
            try
            {
                read = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            }
            catch (IOException e)
            {
                return new RegularFileRead(null, FileProblem.Unreadable, e.Message);
            }

            if (read == 0)
            {
                return new RegularFileRead(buffer[..total], FileProblem.None, "");
            }

            total += read;
        }
    }

    private static RegularFileRead OpenFailure(int errno, bool followLinks) => errno switch
    {
        ENoent or ENotDir => new(null, FileProblem.NotFound, "no such file"),
        ELoop when !followLinks => new(null, FileProblem.NotRegular, "a symbolic link"),
        EAccess => new(null, FileProblem.Unreadable, "permission denied"),
        _ => new(null, FileProblem.Unreadable, Marshal.GetPInvokeErrorMessage(errno)),
    };

    /// <summary>Null kind for a regular file, else what the file is; null altogether when statx fails.</summary>
    private static unsafe (string? Kind, long Size)? Kind(int fd)
    {
        var buffer = stackalloc byte[StatxBytes];
        if (Statx(fd, "", ATEmptyPath, StatxType | StatxSize, buffer) != 0)
        {
            return null;
        }

        var mode = *(ushort*)(buffer + StatxModeOffset) & 0xF000;
        var size = *(long*)(buffer + StatxSizeOffset);
        var kind = mode switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
        return (kind, size);
    }

    private static string? RealPath(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd.ToString(CultureInfo.InvariantCulture)}").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // O_NOFOLLOW differs between architectures (asm-generic, used by arm64, has 0x8000).
    private static int NoFollowFlag =>
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
