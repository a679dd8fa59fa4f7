using Microsoft.Win32.SafeHandles;

namespace Hearth.Execution.Local;

/// <summary>Writes a child's stdin through a pipe and closes it, so the child reads the bytes and then end of file.</summary>
internal static class StandardInput
{
    public static Task FeedAsync(int writeFd, byte[] bytes) => Task.Run(() =>
    {
        using var handle = new SafeFileHandle(writeFd, ownsHandle: true);
        using var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        try
        {
            stream.Write(bytes);
        }
        catch (IOException)
        {
            // The child exited (or closed its stdin) before reading everything: what it did is in its exit status.
        }
    });
}
