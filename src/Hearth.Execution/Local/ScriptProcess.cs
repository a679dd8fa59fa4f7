using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Local;

/// <summary>
/// A script started by posix_spawn(3) as the leader of a session of its own (POSIX_SPAWN_SETSID: its pid is its
/// session and process group id), stdin on /dev/null (or a pipe that is fed the given bytes, then closed), stdout and
/// stderr on pipes. The <see cref="ChildMonitor"/>
/// reads the pipes into bounded tails and reaps the process.
/// </summary>
/// <remarks>
/// Not System.Diagnostics.Process: that cannot start a session, which took an extra exec of util-linux
/// <c>setsid</c> per script, and it reads each pipe by blocking a thread-pool thread; with ten scripts starting at
/// once on two cores both showed in every level of a deployment graph.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal sealed class ScriptProcess
{
    /// <summary>How long a start waits for a script's file to be free (ETXTBSY) before it reports the failure.</summary>
    internal static readonly TimeSpan TextBusyPatience = TimeSpan.FromSeconds(2);

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildMonitor? _monitor;

    private ScriptProcess(int pid, int stdoutFd, int stderrFd, int maxCapturedBytes)
    {
        Pid = pid;
        StdoutFd = stdoutFd;
        StderrFd = stderrFd;
        Stdout = new OutputTail(maxCapturedBytes);
        Stderr = new OutputTail(maxCapturedBytes);
    }

    /// <summary>The script's pid, which is also its session id and process group id.</summary>
    public int Pid { get; }

    public OutputTail Stdout { get; }

    public OutputTail Stderr { get; }

    /// <summary>The exit status once the process has been reaped: its exit code, or 128 + the signal that killed it.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Both pipes reached end of file (every holder closed them), or reading was stopped.</summary>
    public Task OutputClosed => _outputClosed.Task;

    // Owned by the monitor thread once the process is watched.
    internal int StdoutFd { get; set; }

    internal int StderrFd { get; set; }

    internal int PidFd { get; set; } = -1;

    /// <summary>The write end of the stdin pipe (owned by <see cref="StandardInput"/>); -1 when stdin is /dev/null.</summary>
    internal int StdinFd { get; init; } = -1;

    internal bool Reaped { get; set; }

    /// <summary>
    /// Starts <paramref name="file"/> with <paramref name="arguments"/> (argv[0] included) and exactly the
    /// <paramref name="environment"/> given, in <paramref name="workingDirectory"/>, on the calling thread (which waits
    /// for the child's exec), and hands it to <paramref name="monitor"/> to watch. <paramref name="standardInput"/>, when given,
    /// is written to the child's stdin by a task of its own (a child that does not read it must not block the start).
    /// </summary>
    /// <exception cref="ScriptStartException">The file could not be executed (missing, not executable, a missing interpreter, a bad working folder).</exception>
    public static ScriptProcess Start(
        ChildMonitor monitor,
        string file,
        IReadOnlyList<string> arguments,
        IReadOnlyCollection<KeyValuePair<string, string>> environment,
        string workingDirectory,
        int maxCapturedBytes,
        byte[]? standardInput = null)
    {
        monitor.ThrowIfClosed();
        var process = SpawnOnceFree(file, arguments, environment, workingDirectory, maxCapturedBytes, standardInput is not null);
        process._monitor = monitor;
        monitor.Watch(process);
        if (standardInput is not null)
        {
            process.StandardInputWritten = StandardInput.FeedAsync(process.StdinFd, standardInput);
        }

        return process;
    }

    /// <summary>The task that writes stdin and closes it (done at once when stdin is /dev/null).</summary>
    public Task StandardInputWritten { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Spawns, and again for a while as long as the exec fails with ETXTBSY (the file is open for writing somewhere).
    /// Scripts are written and started on many threads at once, and the child of every posix_spawn holds a copy of each
    /// descriptor this process had open at that moment until its own exec: a spawn while another thread writes its
    /// script keeps that file open for writing a little longer, and that script's exec fails until the child has moved
    /// on. Nothing has run when an exec fails, so trying again is safe, and waiting for that rare child is cheaper than
    /// keeping writes and spawns apart: a lock made every script's write wait for all the spawns in flight, up to 10 ms
    /// each when ten scripts start at once on two cores.
    /// </summary>
    private static ScriptProcess SpawnOnceFree(
        string file,
        IReadOnlyList<string> arguments,
        IReadOnlyCollection<KeyValuePair<string, string>> environment,
        string workingDirectory,
        int maxCapturedBytes,
        bool pipeStdin)
    {
        var started = Stopwatch.GetTimestamp();
        for (int pause = 1, attempts = 1; ; pause = Math.Min(pause * 2, 50), attempts++)
        {
            try
            {
                return Spawn(file, arguments, environment, workingDirectory, maxCapturedBytes, pipeStdin);
            }
            catch (ScriptStartException e) when (e.ErrorNumber == NativeMethods.ETxtBsy && Stopwatch.GetElapsedTime(started) < TextBusyPatience)
            {
                Thread.Sleep(pause);
            }
            catch (ScriptStartException e) when (attempts > 1)
            {
                throw new ScriptStartException(e.ErrorNumber, e.Message) { Attempts = attempts };
            }
        }
    }

    private static unsafe ScriptProcess Spawn(
        string file,
        IReadOnlyList<string> arguments,
        IReadOnlyCollection<KeyValuePair<string, string>> environment,
        string workingDirectory,
        int maxCapturedBytes,
        bool pipeStdin)
    {
        var stdoutPipe = stackalloc int[2];
        var stderrPipe = stackalloc int[2];
        var stdinPipe = stackalloc int[2] { -1, -1 };
        // Close-on-exec everywhere: only the dup2'd copies (fd 0, 1 and 2) reach the script, never another script's pipes.
        CreatePipe(stdoutPipe);
        try
        {
            CreatePipe(stderrPipe);
            if (pipeStdin)
            {
                CreatePipe(stdinPipe);
            }
        }
        catch
        {
            CloseAll(stdoutPipe[0], stdoutPipe[1], stderrPipe[0], stderrPipe[1]);
            throw;
        }

        int error;
        int pid;
        using (var strings = new NativeStrings())
        {
            var path = strings.Add(file);
            var argv = strings.AddArray(arguments);
            var envp = strings.AddArray([.. environment.Select(variable => variable.Key + "=" + variable.Value)]);
            var devNull = strings.Add("/dev/null");
            var cwd = strings.Add(workingDirectory);

            var actions = NativeMemory.AllocZeroed(NativeMethods.OpaqueStructBytes);
            var attributes = NativeMemory.AllocZeroed(NativeMethods.OpaqueStructBytes);
            var signalMask = NativeMemory.AllocZeroed(NativeMethods.OpaqueStructBytes);
            var signalDefaults = NativeMemory.AllocZeroed(NativeMethods.OpaqueStructBytes);
            try
            {
                Check(NativeMethods.FileActionsInit(actions));
                Check(NativeMethods.AttributesInit(attributes));
                try
                {
                    Check(pipeStdin
                        ? NativeMethods.FileActionsAddDup2(actions, stdinPipe[0], 0)
                        : NativeMethods.FileActionsAddOpen(actions, 0, devNull, NativeMethods.OReadOnly, 0));
                    Check(NativeMethods.FileActionsAddDup2(actions, stdoutPipe[1], 1));
                    Check(NativeMethods.FileActionsAddDup2(actions, stderrPipe[1], 2));
                    Check(NativeMethods.FileActionsAddChdir(actions, cwd));

                    // The runtime blocks and ignores signals of its own (SIGPIPE among them): the script starts with
                    // none blocked and every one at its default, as a process started from a shell would.
                    Check(NativeMethods.SigEmptySet(signalMask));
                    Check(NativeMethods.SigFillSet(signalDefaults));
                    Check(NativeMethods.AttributesSetSigMask(attributes, signalMask));
                    Check(NativeMethods.AttributesSetSigDefault(attributes, signalDefaults));
                    Check(NativeMethods.AttributesSetFlags(
                        attributes,
                        NativeMethods.PosixSpawnSetSid | NativeMethods.PosixSpawnSetSigMask | NativeMethods.PosixSpawnSetSigDefault));

                    error = NativeMethods.PosixSpawn(out pid, path, actions, attributes, argv, envp);
                }
                finally
                {
                    _ = NativeMethods.FileActionsDestroy(actions);
                    _ = NativeMethods.AttributesDestroy(attributes);
                }
            }
            finally
            {
                NativeMemory.Free(actions);
                NativeMemory.Free(attributes);
                NativeMemory.Free(signalMask);
                NativeMemory.Free(signalDefaults);
                // The script holds its own copies; ours must go, or the pipes would never reach end of file.
                CloseAll(stdoutPipe[1], stderrPipe[1], stdinPipe[0]);
            }
        }

        if (error != 0)
        {
            CloseAll(stdoutPipe[0], stderrPipe[0], stdinPipe[1]);
            throw new ScriptStartException(error, Marshal.GetPInvokeErrorMessage(error));
        }

        return new ScriptProcess(pid, stdoutPipe[0], stderrPipe[0], maxCapturedBytes)
        {
            PidFd = PidFds.Open(pid),
            StdinFd = stdinPipe[1],
        };
    }

    private static void CloseAll(params ReadOnlySpan<int> fds)
    {
        foreach (var fd in fds)
        {
            if (fd >= 0)
            {
                _ = NativeMethods.Close(fd);
            }
        }
    }

    /// <summary>Stops reading stdout and stderr (a background process still holds them); what was read stays.</summary>
    public void StopReading() => _monitor?.StopReading(this);

    internal void SetExited(int status) => _exited.TrySetResult(status);

    internal void SetExitLost(Exception error) => _exited.TrySetException(error);

    internal void SetOutputClosed() => _outputClosed.TrySetResult();

    private static unsafe void CreatePipe(int* fds)
    {
        if (NativeMethods.Pipe2(fds, NativeMethods.OCloseOnExec) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new ScriptStartException(error, $"could not create a pipe: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    private static void Check(int result)
    {
        // The spawn.h and signal.h setters fail only on exhausted memory or a bad argument: a bug or a dying process.
        if (result != 0)
        {
            throw new InvalidOperationException($"preparing posix_spawn failed: {Marshal.GetPInvokeErrorMessage(result)}");
        }
    }

    /// <summary>pidfd_open where the kernel (5.3) and glibc (2.36) have it; -1 makes the monitor poll for the exit instead.</summary>
    private static class PidFds
    {
        private static bool s_unsupported;

        public static int Open(int pid)
        {
            if (s_unsupported)
            {
                return -1;
            }

            try
            {
                var fd = NativeMethods.PidFdOpen(pid, 0);
                if (fd < 0)
                {
                    s_unsupported = Marshal.GetLastPInvokeError() == NativeMethods.ENoSys;
                }

                return fd;
            }
            catch (EntryPointNotFoundException)
            {
                s_unsupported = true;
                return -1;
            }
        }
    }

    /// <summary>NUL-terminated UTF-8 copies of strings, and NULL-terminated arrays of them, freed together.</summary>
    private sealed unsafe class NativeStrings : IDisposable
    {
        private readonly List<nint> _blocks = [];

        public byte* Add(string text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            var block = (byte*)NativeMemory.Alloc((nuint)length + 1);
            _blocks.Add((nint)block);
            Encoding.UTF8.GetBytes(text, new Span<byte>(block, length));
            block[length] = 0;
            return block;
        }

        public byte** AddArray(IReadOnlyList<string> items)
        {
            var array = (byte**)NativeMemory.Alloc((nuint)(items.Count + 1), (nuint)sizeof(byte*));
            _blocks.Add((nint)array);
            for (var i = 0; i < items.Count; i++)
            {
                array[i] = Add(items[i]);
            }

            array[items.Count] = null;
            return array;
        }

        public void Dispose()
        {
            foreach (var block in _blocks)
            {
                NativeMemory.Free((void*)block);
            }
        }
    }
}

/// <summary>posix_spawn could not start the script; <see cref="Exception.Message"/> is the system's reason.</summary>
internal sealed class ScriptStartException(int errorNumber, string message) : Exception(message)
{
    public int ErrorNumber { get; } = errorNumber;

    /// <summary>How many times the start was tried (more than once when the file stayed busy, ETXTBSY).</summary>
    public int Attempts { get; init; } = 1;
}
