using System.Globalization;
using System.Text;
using System.Runtime.Versioning;
using Hearth.Execution.Hosts;

namespace Hearth.Execution.Ssh;

/// <summary>
/// <see cref="ICommandHost"/> on a server over its shared SSH connection. The argv is quoted word by word for the
/// remote shell, which runs it with <c>exec</c>; the environment travels on stdin ahead of the program's own input
/// (as <c>export</c> lines with quoted values, read by the shell before the program starts), so it shows in no
/// command line. stdout and stderr are kept as on this machine: the last 1 MiB of each.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class SshCommandHost(SshConnection connection) : ICommandHost
{
    /// <summary>Printed on stderr by the remote shell just before the exec: a 255 with it is the program's, not ssh's.</summary>
    private const char Started = '\u0001';

    /// <summary>Reads the environment off stdin, says the program is starting, and becomes it (stdin then is its own).</summary>
    private const string Launcher = """
        IFS= read -r n && e=$(head -c "$n") && eval "$e" && unset e n && printf '\001' >&2 && exec "$@"
        """;

    public string Description => connection.Target.Description;

    public async Task<HostCommandResult> RunAsync(HostCommand command, CancellationToken ct)
    {
        if (command.Arguments.Count == 0)
        {
            throw new ArgumentException("A command needs at least the program", nameof(command));
        }

        var environment = new StringBuilder();
        foreach (var (name, value) in command.Environment ?? new Dictionary<string, string>())
        {
            if (name.Length == 0 || char.IsAsciiDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new ArgumentException($"Environment variable name '{name}' is not a shell name (letters, digits, '_')", nameof(command));
            }

            environment.Append("export ").Append(name).Append('=').Append(ShellText.Quote(value)).Append('\n');
        }

        var env = Encoding.UTF8.GetBytes(environment.ToString());
        byte[] stdin = [.. Encoding.ASCII.GetBytes(env.Length.ToString(CultureInfo.InvariantCulture) + "\n"), .. env, .. Encoding.UTF8.GetBytes(command.StandardInput ?? "")];
        var text = RemoteScripts.Command(Launcher, command.Arguments);
        // Tried again only when the connection failed before the program started: a program must never run twice. The mark
        // may follow what the login wrote to stderr first (a locale warning, a banner).
        var result = await connection.RunAsync(text, stdin, ct, r => r.ExitCode == SshConnection.ConnectionFailed && !r.Stderr.Contains(Started, StringComparison.Ordinal));
        var stderr = result.Stderr.IndexOf(Started, StringComparison.Ordinal) is >= 0 and var mark ? result.Stderr.Remove(mark, 1) : result.Stderr;
        return new HostCommandResult(result.ExitCode, Encoding.UTF8.GetString(result.Stdout), stderr);
    }
}
