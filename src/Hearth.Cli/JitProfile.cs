using System.Runtime;

namespace Hearth.Cli;

/// <summary>
/// Multi-core JIT (<see cref="ProfileOptimization"/>) for the command line: the methods the JIT compiled in the last
/// run of the same command are compiled again as soon as the next one is parsed, on a core the starting process leaves
/// idle, before the thread that needs them asks. Even published as one ReadyToRun image, a command compiles 200–300
/// methods, most of them the runtime's boxes of Hearth's async methods (ReadyToRun does not precompile those whose
/// result is a reference type), about 100 in the middle of a stack operation, where a deployment graph's first scripts
/// waited for them.
/// </summary>
/// <remarks>
/// One profile per command (<c>stack-create.jitprofile</c>: commands compile different methods, and each run rewrites
/// its profile with what it compiled), in the user's cache folder, <c>$XDG_CACHE_HOME/hearth</c> (else
/// <c>~/.cache/hearth</c>), private to the user. The runtime writes it when the process exits and ignores the methods
/// of assemblies that changed since. Without a usable folder (no home, no cache folder, read-only) commands run as
/// before, only without it.
/// </remarks>
internal static class JitProfile
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Starts the profile of <paramref name="command"/> (its words: <c>stack create</c>); called once per process.</summary>
    public static void Start(string command)
    {
        // Only below a cache folder that exists: one made here could belong to another user (sudo with the caller's HOME).
        if (OperatingSystem.IsWindows()
            || Folder(System.Environment.GetEnvironmentVariable) is not { } folder
            || !Directory.Exists(Path.GetDirectoryName(folder)))
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder, Private);
            // An existing folder keeps its mode through CreateDirectory: make it private either way.
            File.SetUnixFileMode(folder, Private);
            ProfileOptimization.SetProfileRoot(folder);
            ProfileOptimization.StartProfile(FileName(command));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A speed-up only: a command never fails for want of it.
        }
    }

    internal static string FileName(string command) =>
        (command.Length == 0 ? "hearth" : string.Join('-', command.Split(' ', StringSplitOptions.RemoveEmptyEntries))) + ".jitprofile";

    /// <summary>Where the profile lives, from the environment (XDG Base Directory rules); null when nowhere sensible.</summary>
    internal static string? Folder(Func<string, string?> environment)
    {
        if (environment("XDG_CACHE_HOME") is { } cache && Path.IsPathFullyQualified(cache))
        {
            return Path.Combine(cache, "hearth");
        }

        return environment("HOME") is { } home && Path.IsPathFullyQualified(home)
            ? Path.Combine(home, ".cache", "hearth")
            : null;
    }
}
