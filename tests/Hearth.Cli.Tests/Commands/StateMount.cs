using System.Diagnostics;

namespace Hearth.Cli.Tests.Commands;

/// <summary>
/// A real file system fault under a state folder, undone at the end: a small tmpfs (a disk that fills) or a read-only bind
/// mount (a folder that cannot be written, even by root). The tests run as root, as CI does.
/// </summary>
internal sealed class StateMount : IDisposable
{
    private readonly string _folder;

    private StateMount(string folder)
    {
        _folder = folder;
    }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> on <paramref name="folder"/> (created, mode 0700).</summary>
    public static StateMount SmallDisk(string folder, int kilobytes)
    {
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k,mode=0700", "tmpfs", folder);
        return new StateMount(folder);
    }

    /// <summary>Makes <paramref name="folder"/> (which exists) read-only where it is.</summary>
    public static StateMount ReadOnly(string folder)
    {
        Run("mount", "--bind", folder, folder);
        var mount = new StateMount(folder);
        Run("mount", "-o", "remount,bind,ro", folder);
        return mount;
    }

    /// <summary>Writes zeros into a file on the disk until it is full.</summary>
    public void Fill() => Run("sh", "-c", $"dd if=/dev/zero of='{_folder}/filler' bs=4k 2>/dev/null; true");

    public void Free() => File.Delete(Path.Combine(_folder, "filler"));

    public static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue($"{file} did not finish");
        process.ExitCode.ShouldBe(0, $"{file} {string.Join(' ', arguments)}: {error}");
    }

    public void Dispose() => Run("umount", "-l", _folder);
}
