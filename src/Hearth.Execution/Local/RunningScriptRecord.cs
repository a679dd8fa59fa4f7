using System.Globalization;
using System.Runtime.Versioning;
using System.Text;

namespace Hearth.Execution.Local;

/// <summary>
/// The note, in a deployment's working folder, of the script running there: <c>running.pid</c> holds its pid (its
/// session id), its start time (<c>/proc/PID/stat</c> field 22, so a reused pid is not taken for it) and its action.
/// It is written just before the spawn without the pid (pending), again with it just after, and removed once the script
/// has been reaped. An engine that dies
/// (kill -9) leaves it behind, and with it the script, which runs on in its session; the next action in the folder
/// reads it and stops that script first (<see cref="StopLeftoverAsync"/>).
/// </summary>
/// <remarks>
/// Not fsynced: it has to outlive the engine's process, which the page cache does; a power loss takes the script
/// with it.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static class RunningScriptRecord
{
    public const string FileName = "running.pid";

    /// <summary>How long a killed leftover may take to be gone before the action is refused.</summary>
    private static readonly TimeSpan GoneWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan GonePoll = TimeSpan.FromMilliseconds(20);

    public static string PathIn(string workingFolder) => Path.Combine(workingFolder, FileName);

    /// <summary>This process, as a record names the engine that started a script: pid and start time.</summary>
    private static readonly (int Pid, long StartTicks) s_engine = (Environment.ProcessId, ProcessSession.Stat(Environment.ProcessId)?.StartTicks ?? 0);

    /// <summary>
    /// Records the script <paramref name="pid"/> just spawned, and this engine as the one that answers for it. Never
    /// throws: the script is running and must be waited for; an unwritable working folder loses only this crash-time
    /// safety.
    /// </summary>
    public static void Write(string workingFolder, int pid, string action)
    {
        if (ProcessSession.Stat(pid) is { } stat)
        {
            WriteNote(workingFolder, new RunningScriptNote(pid, stat.StartTicks, action, s_engine.Pid, s_engine.StartTicks));
        }
    }

    /// <summary>
    /// Notes, before the spawn, that this engine is about to start the <paramref name="action"/> script here: a script
    /// can run (and the engine die) before the pid is known, and without this nothing would say it exists. Never throws.
    /// </summary>
    public static void WritePending(string workingFolder, string action) =>
        WriteNote(workingFolder, new RunningScriptNote(0, 0, action, s_engine.Pid, s_engine.StartTicks));

    private static void WriteNote(string workingFolder, RunningScriptNote note)
    {
        try
        {
            // Rewritten in place, never emptied first: ext4 writes a file that was truncated to nothing back to disk as
            // soon as it is closed (auto_da_alloc), block I/O on every script start; and a reader never finds it empty.
            var bytes = Encoding.UTF8.GetBytes(note.ToString());
            using var file = new FileStream(PathIn(workingFolder), new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.Write,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            file.Write(bytes);
            file.SetLength(bytes.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public static void Delete(string workingFolder)
    {
        try
        {
            File.Delete(PathIn(workingFolder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover note is harmless: its process is gone, so the next action finds it stale.
        }
    }

    /// <summary>
    /// Stops the script an interrupted operation left running in <paramref name="workingFolder"/>, if its process
    /// (same pid, same start time) still lives, and waits until its session is gone. A note whose process is gone or
    /// whose pid now belongs to another process is only removed.
    /// </summary>
    /// <returns>Null when nothing was running; otherwise what was found and whether it is gone now.</returns>
    /// <remarks>
    /// Killed, not waited for: the engine that started it is dead, so nobody reads its output, enforces its timeout or
    /// records its result; the action it was doing is about to be redone from the start (resume) or undone (cancel),
    /// which is what the user asked for, and running either beside a half-done copy would leave the state not knowing
    /// what the scripts did. Waiting could take until the dead engine's timeout, or forever.
    /// A leader that already ended leaves the rest of its session alone, as a script that exits does: what it left in
    /// the background is not part of the action.
    /// </remarks>
    public static async Task<LeftoverScript?> StopLeftoverAsync(string workingFolder, TimeProvider timeProvider) =>
        ReadNote(PathIn(workingFolder)) switch
        {
            NoteRead.Missing => null,
            NoteRead.Found(var note) => await StopAsync(workingFolder, note, timeProvider),
            _ => Forget(workingFolder),
        };

    /// <summary>Stops the script <paramref name="note"/> names (see <see cref="StopLeftoverAsync"/>).</summary>
    private static async Task<LeftoverScript?> StopAsync(string workingFolder, RunningScriptNote note, TimeProvider timeProvider)
    {
        var (pid, startTicks) = (note.Pid, note.StartTicks);
        if (pid == 0)
        {
            // Pending: the engine died around the spawn, before it knew the pid. The script, if it started, leads a
            // session of its own and has its file's path in its arguments whatever folder it moved to.
            if (FindSpawned(Path.Combine(workingFolder, note.Action)) is not { } spawned)
            {
                return Forget(workingFolder);
            }

            (pid, startTicks) = spawned;
        }

        if (!IsRunning(pid, startTicks))
        {
            return Forget(workingFolder);
        }

        var leftover = new LeftoverScript(pid, note.Action);
        await ProcessSession.KillAsync(pid, timeProvider);
        var waited = timeProvider.GetTimestamp();
        while (IsRunning(pid, startTicks) || ProcessSession.Members(pid).Count > 0)
        {
            if (timeProvider.GetElapsedTime(waited) > GoneWait)
            {
                // Unkillable for now (uninterruptible sleep): keep the note, so the next try stops it again.
                return leftover with { Stopped = false };
            }

            await ProcessSession.KillAsync(pid, timeProvider);
            await Task.Delay(GonePoll, timeProvider, CancellationToken.None);
        }

        Delete(workingFolder);
        return leftover;
    }

    /// <summary>
    /// Stops every script under <paramref name="deploymentsFolder"/> whose engine is gone (<see cref="StopLeftoverAsync"/>
    /// on each working folder whose record names a dead engine); scripts of a live engine (another stack's operation
    /// in another process) are left alone.
    /// </summary>
    public static async Task<IReadOnlyList<LeftoverScript>> StopOrphansAsync(string deploymentsFolder, TimeProvider timeProvider)
    {
        var found = new List<LeftoverScript>();
        IEnumerable<string> records;
        try
        {
            records = Directory.EnumerateFiles(deploymentsFolder, FileName, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 });
            records = [.. records];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return found; // No deployment ever ran here.
        }

        foreach (var record in records)
        {
            // A note without its engine (written before engines were named) is left to the next action in its folder.
            if (ReadNote(record) is NoteRead.Found { Note: { EnginePid: > 0 } note } && !IsRunning(note.EnginePid, note.EngineStartTicks)
                && await StopAsync(Path.GetDirectoryName(record) ?? deploymentsFolder, note, timeProvider) is { } leftover)
            {
                found.Add(leftover);
            }
        }

        return found;
    }

    private static LeftoverScript? Forget(string workingFolder)
    {
        Delete(workingFolder);
        return null;
    }

    private static NoteRead ReadNote(string path)
    {
        // Asked before every action: most folders have no note, and a missing file is not worth an exception.
        if (!File.Exists(path))
        {
            return new NoteRead.Missing();
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new NoteRead.Missing(); // Gone meanwhile, or unreadable: nothing can be known of it.
        }

        // Cut short by a crash while it was written: the pending note before it was whole, so no spawn is lost.
        return RunningScriptNote.TryParse(text) is { } note ? new NoteRead.Found(note) : new NoteRead.Broken();
    }

    /// <summary>A live session leader (pid = session id) with <paramref name="scriptPath"/> among its arguments.</summary>
    private static (int Pid, long StartTicks)? FindSpawned(string scriptPath)
    {
        foreach (var (pid, stat) in ProcessSession.LiveProcesses())
        {
            if (stat.Session != pid)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0').Contains(scriptPath, StringComparer.Ordinal))
                {
                    return (pid, stat.StartTicks);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return null;
    }

    /// <summary>A zombie has exited already: whoever inherited it reaps it.</summary>
    private static bool IsRunning(int pid, long startTicks) =>
        ProcessSession.Stat(pid) is { Zombie: false } stat && stat.StartTicks == startTicks;
}

/// <summary>
/// What <c>running.pid</c> says: the script's pid and start time (0 0 while pending), its action, and the engine that
/// answers for it (pid and start time; 0 0 in notes from before engines were named).
/// </summary>
internal sealed record RunningScriptNote(int Pid, long StartTicks, string Action, int EnginePid, long EngineStartTicks)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTicks} {Action} {EnginePid} {EngineStartTicks}\n");

    public static RunningScriptNote? TryParse(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var startTicks)
            || pid == 1)
        {
            return null;
        }

        var (enginePid, engineStartTicks) = fields.Length >= 5
            && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var engine)
            && long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var engineStart)
                ? (engine, engineStart)
                : (0, 0L);
        return new RunningScriptNote(pid, startTicks, fields[2], enginePid, engineStartTicks);
    }
}

/// <summary>How reading a note ended: none there, unreadable as a note, or found.</summary>
internal abstract record NoteRead
{
    public sealed record Missing : NoteRead;

    public sealed record Broken : NoteRead;

    public sealed record Found(RunningScriptNote Note) : NoteRead;
}

/// <summary>A script an interrupted operation left running in a working folder.</summary>
internal sealed record LeftoverScript(int Pid, string Action)
{
    /// <summary>Its session is gone; false when it outlived the kill and the wait.</summary>
    public bool Stopped { get; init; } = true;

    public string Description => string.Create(CultureInfo.InvariantCulture, $"the {Action} script left running by an interrupted operation (pid {Pid})");
}
