using System.Diagnostics;
using System.Runtime.Versioning;

namespace Hearth.Execution.Ssh;

/// <summary>
/// Starts the engine's ssh clients one at a time. <see cref="Process.Start()"/> forks the engine synchronously on the
/// thread that calls it: when an operation prepared twenty servers at once, twenty thread-pool threads sat in it and
/// the operation's own steps waited for a thread (its first deployments started ~0.3 s late). Here one start runs at a
/// time and the others wait asynchronously, holding no thread.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class SshClientStarts
{
    private readonly SemaphoreSlim _one = new(1);

    /// <exception cref="System.ComponentModel.Win32Exception">The client could not be started (not installed).</exception>
    public async Task<Process> StartAsync(ProcessStartInfo start, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            var process = new Process { StartInfo = start };
            process.Start();
            return process;
        }
        finally
        {
            _one.Release();
        }
    }
}
