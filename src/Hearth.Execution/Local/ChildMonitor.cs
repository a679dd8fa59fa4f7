using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Hearth.Execution.Local;

/// <summary>
/// One thread that watches every script once it is started: it polls their stdout and stderr pipes and their pidfds,
/// reading output into the tails as it comes and reaping each script when it exits. No thread-pool thread ever blocks
/// on a running script, however many run.
/// </summary>
/// <remarks>
/// <para>
/// It reaps only the pids it was given (waitpid on each, never on -1): the runtime's own SIGCHLD handling reaps the
/// children System.Diagnostics.Process starts, and the two must not take each other's exit statuses. Without
/// pidfds (Linux before 5.3, glibc before 2.36) it checks its children with WNOHANG every few milliseconds instead.
/// </para>
/// <para>
/// A service of the host, not of the process: the <see cref="LocalTransport"/> the composition root builds owns one, and
/// every stack that host runs shares its thread. Since it never waits for "any child", SIGCHLD being process-wide does
/// not make it one per process: several hosts in one process (in-process tests) each reap their own scripts. Disposing
/// it ends the thread once the scripts it watches are reaped and their pipes closed, so no waiter is left hanging.
/// </para>
/// </remarks>
[UnsupportedOSPlatform("windows")]
public sealed unsafe class ChildMonitor : IDisposable
{
    private const int ReadBufferSize = 64 * 1024;
    private const int ExitPollMilliseconds = 5;

    private readonly Lock _lock = new();
    private readonly Queue<Request> _requests = new();
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private bool _wakePending;
    private bool _disposed;
    private bool _closed;
    private Thread? _thread;

    public ChildMonitor()
    {
        var fds = stackalloc int[2];
        if (NativeMethods.Pipe2(fds, NativeMethods.OCloseOnExec) != 0)
        {
            throw new InvalidOperationException($"could not create the script monitor's pipe: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        _wakeRead = fds[0];
        _wakeWrite = fds[1];
    }

    /// <summary>Watches a process just started: reads its pipes and reaps it (whether it is still running or not).</summary>
    internal void Watch(ScriptProcess process) => Enqueue(new Request.Watch(process));

    internal void StopReading(ScriptProcess process) => Enqueue(new Request.StopReading(process));

    /// <summary>Throws when the monitor is disposed and its thread has ended: checked before a script is started.</summary>
    internal void ThrowIfClosed()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
        }
    }

    /// <summary>The thread ends once the scripts it watches are done (at once when there are none).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_thread is null)
            {
                CloseWakePipe();
                return;
            }

            Wake();
        }
    }

    private void Enqueue(Request request)
    {
        lock (_lock)
        {
            if (_closed)
            {
                // Nothing is watched any more: there is nothing to stop reading, and a script cannot be watched.
                ObjectDisposedException.ThrowIf(request is Request.Watch, this);
                return;
            }

            _requests.Enqueue(request);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "hearth-script-monitor" };
                _thread.Start();
            }

            Wake();
        }
    }

    /// <summary>Under the lock, so that the pipe is never written after the thread closed it (its number may be reused).</summary>
    private void Wake()
    {
        if (!_wakePending)
        {
            // One byte at most is ever pending, so the write cannot block.
            _wakePending = true;
            byte one = 1;
            _ = NativeMethods.Write(_wakeWrite, &one, 1);
        }
    }

    private void CloseWakePipe()
    {
        _closed = true;
        _ = NativeMethods.Close(_wakeRead);
        _ = NativeMethods.Close(_wakeWrite);
    }

    private void Run()
    {
        var children = new List<ScriptProcess>();
        var buffer = new byte[ReadBufferSize];
        var fds = new List<NativeMethods.PollFd>();
        // owners[i] is what fds[i + 1] belongs to; fds[0] is the wake pipe.
        var owners = new List<(ScriptProcess Process, Stream Stream)>();
        while (TakeRequests(children))
        {
            fds.Clear();
            owners.Clear();
            fds.Add(new NativeMethods.PollFd { Fd = _wakeRead, Events = NativeMethods.PollIn });
            var pollingForExit = false;
            foreach (var child in children)
            {
                if (!child.Reaped)
                {
                    if (child.PidFd >= 0)
                    {
                        fds.Add(new NativeMethods.PollFd { Fd = child.PidFd, Events = NativeMethods.PollIn });
                        owners.Add((child, Stream.Exit));
                    }
                    else
                    {
                        pollingForExit = true;
                    }
                }

                if (child.StdoutFd >= 0)
                {
                    fds.Add(new NativeMethods.PollFd { Fd = child.StdoutFd, Events = NativeMethods.PollIn });
                    owners.Add((child, Stream.Stdout));
                }

                if (child.StderrFd >= 0)
                {
                    fds.Add(new NativeMethods.PollFd { Fd = child.StderrFd, Events = NativeMethods.PollIn });
                    owners.Add((child, Stream.Stderr));
                }
            }

            var ready = CollectionsMarshal.AsSpan(fds);
            int count;
            fixed (NativeMethods.PollFd* pointer = ready)
            {
                count = NativeMethods.Poll(pointer, (nuint)ready.Length, pollingForExit ? ExitPollMilliseconds : -1);
            }

            if (count < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error == NativeMethods.EIntr)
                {
                    continue;
                }

                FailAll(children, new InvalidOperationException($"poll failed: {Marshal.GetPInvokeErrorMessage(error)}"));
                continue;
            }

            if (ready[0].Revents != 0)
            {
                DrainWake(buffer);
            }

            for (var i = 1; i < ready.Length; i++)
            {
                if (ready[i].Revents == 0)
                {
                    continue;
                }

                var (child, stream) = owners[i - 1];
                if (stream == Stream.Exit)
                {
                    TryReap(child);
                }
                else
                {
                    ReadOutput(child, stream, buffer, ready[i].Revents);
                }
            }

            if (pollingForExit)
            {
                foreach (var child in children.Where(c => !c.Reaped && c.PidFd < 0))
                {
                    TryReap(child);
                }
            }

            children.RemoveAll(child => child.Reaped && child.StdoutFd < 0 && child.StderrFd < 0);
        }
    }

    /// <summary>Takes what was asked for; false when the monitor is disposed and watches nothing (the pipe is closed then).</summary>
    private bool TakeRequests(List<ScriptProcess> children)
    {
        List<Request> requests;
        lock (_lock)
        {
            requests = [.. _requests];
            _requests.Clear();

            // Cleared together with taking the requests (not when the pipe is read): a request queued after this
            // writes a new wake-up byte, and one queued before is taken here. Clearing it when reading the pipe lost
            // a wake-up whenever a request came between the two, and the thread slept in poll with work queued.
            _wakePending = false;
            if (_disposed && children.Count == 0 && !requests.Any(r => r is Request.Watch))
            {
                CloseWakePipe();
                return false;
            }
        }

        foreach (var request in requests)
        {
            switch (request)
            {
                case Request.Watch watch:
                    children.Add(watch.Process);
                    break;
                case Request.StopReading stop:
                    CloseOutput(stop.Process, Stream.Stdout);
                    CloseOutput(stop.Process, Stream.Stderr);
                    break;
            }
        }

        return true;
    }

    private void DrainWake(byte[] buffer)
    {
        fixed (byte* pointer = buffer)
        {
            _ = NativeMethods.Read(_wakeRead, pointer, (nuint)buffer.Length);
        }
    }

    private static void TryReap(ScriptProcess child)
    {
        var pid = NativeMethods.WaitPid(child.Pid, out var status, NativeMethods.WNoHang);
        if (pid == 0)
        {
            return;
        }

        if (pid < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == NativeMethods.EIntr)
            {
                return;
            }

            child.SetExitLost(new InvalidOperationException($"the exit status of script process {child.Pid} was lost: {Marshal.GetPInvokeErrorMessage(error)}"));
        }
        else
        {
            // As System.Diagnostics.Process reports it: the exit code, or 128 + the signal that ended the process.
            var signal = status & 0x7f;
            child.SetExited(signal == 0 ? (status >> 8) & 0xff : 128 + signal);
        }

        child.Reaped = true;
        if (child.PidFd >= 0)
        {
            _ = NativeMethods.Close(child.PidFd);
            child.PidFd = -1;
        }
    }

    private static void ReadOutput(ScriptProcess child, Stream stream, byte[] buffer, short events)
    {
        var fd = stream == Stream.Stdout ? child.StdoutFd : child.StderrFd;
        if ((events & NativeMethods.PollNval) != 0)
        {
            CloseOutput(child, stream);
            return;
        }

        nint read;
        fixed (byte* pointer = buffer)
        {
            // poll said readable (or hung up): one read cannot block, and returns 0 at end of file.
            read = NativeMethods.Read(fd, pointer, (nuint)buffer.Length);
        }

        if (read > 0)
        {
            (stream == Stream.Stdout ? child.Stdout : child.Stderr).Append(buffer.AsSpan(0, (int)read));
            return;
        }

        if (read < 0 && Marshal.GetLastPInvokeError() is NativeMethods.EIntr or NativeMethods.EAgain)
        {
            return;
        }

        CloseOutput(child, stream);
    }

    private static void CloseOutput(ScriptProcess child, Stream stream)
    {
        if (stream == Stream.Stdout && child.StdoutFd >= 0)
        {
            _ = NativeMethods.Close(child.StdoutFd);
            child.StdoutFd = -1;
        }
        else if (stream == Stream.Stderr && child.StderrFd >= 0)
        {
            _ = NativeMethods.Close(child.StderrFd);
            child.StderrFd = -1;
        }

        if (child.StdoutFd < 0 && child.StderrFd < 0)
        {
            child.SetOutputClosed();
        }
    }

    /// <summary>A bug or a dying process: fail every waiter rather than leave them hanging.</summary>
    private static void FailAll(List<ScriptProcess> children, Exception error)
    {
        foreach (var child in children)
        {
            child.SetExitLost(error);
            CloseOutput(child, Stream.Stdout);
            CloseOutput(child, Stream.Stderr);
            if (child.PidFd >= 0)
            {
                _ = NativeMethods.Close(child.PidFd);
                child.PidFd = -1;
            }
        }

        children.Clear();
    }

    private abstract record Request
    {
        public sealed record Watch(ScriptProcess Process) : Request;

        public sealed record StopReading(ScriptProcess Process) : Request;
    }

    private enum Stream
    {
        Exit,
        Stdout,
        Stderr,
    }
}
