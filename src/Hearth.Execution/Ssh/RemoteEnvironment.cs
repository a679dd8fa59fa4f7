using System.Globalization;
using System.Text;
using Hearth.Execution.Scripts;

namespace Hearth.Execution.Ssh;

/// <summary>
/// What a run request to <see cref="RemoteScripts.Dispatcher"/> carries after its line: the inputs as <c>export NAME='VALUE'</c> lines (every value
/// single-quoted, so nothing in it is expanded; the script's parent shell runs them from its memory, so they are never
/// written to the server's disk), the script, and the declared output names.
/// </summary>
internal static class RemoteEnvironment
{
    /// <summary>Why an input or output cannot travel this way, or null: a shell variable name is letters, digits and '_'.</summary>
    public static string? Problem(IEnumerable<KeyValuePair<string, string>> variables, IEnumerable<DeploymentOutputDeclaration> outputs)
    {
        foreach (var (name, _) in variables)
        {
            if (!IsShellName(name))
            {
                return $"Input name '{name}' cannot be an environment variable on a server reached over SSH (the script's environment is set by /bin/sh there): use letters, digits and '_', not starting with a digit";
            }
        }

        return outputs.FirstOrDefault(o => o.Name.Contains('\n', StringComparison.Ordinal)) is { } bad
            ? $"The output name '{bad.Name.Replace("\n", "\\n", StringComparison.Ordinal)}' contains a line break"
            : null;
    }

    /// <summary>
    /// The bytes for stdin: "ENVLEN SCRIPTLEN NAMESLEN ENVLINES SCRIPTLINES NAMESLINES ENGINE\n", then each part. A part's
    /// LINES is its count of lines when the dispatcher may read it with the shell's own <c>read</c> (short, whole lines,
    /// no NUL), which saves starting <c>head</c> for it on the host; 0 when it must be read by byte count. ENGINE is the
    /// engine the run answers to (<see cref="EngineIdentity"/>, words without line breaks), which its record keeps.
    /// </summary>
    /// <remarks>
    /// <c>heat_outputs_path</c> is set last, from the working folder on the server (its path there is the server's
    /// business), replacing the variable <see cref="ScriptEnvironment.Build"/> made.
    /// </remarks>
    public static byte[] Payload(IEnumerable<KeyValuePair<string, string>> variables, string action, string script, IEnumerable<DeploymentOutputDeclaration> outputs, string engine)
    {
        var environment = new StringBuilder();
        foreach (var (name, value) in variables)
        {
            if (name != ScriptEnvironment.OutputsPathVariable)
            {
                environment.Append("export ").Append(name).Append('=').Append(ShellText.Quote(value)).Append('\n');
            }
        }

        environment.Append("export ").Append(ScriptEnvironment.OutputsPathVariable).Append("=\"$PWD/outputs/").Append(action).Append("\"\n");
        var env = Encoding.UTF8.GetBytes(environment.ToString());
        var text = Encoding.UTF8.GetBytes(script);
        var names = Encoding.UTF8.GetBytes(string.Concat(outputs.Select(o => o.Name + "\n")));
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{env.Length} {text.Length} {names.Length} {ReadableLines(env)} {ReadableLines(text)} {ReadableLines(names)} {engine}\n"));
        return [.. header, .. env, .. text, .. names];
    }

    /// <summary>
    /// How many lines <paramref name="part"/> has when the shell's <c>read</c> can take it byte for byte (it ends with a
    /// line break, holds no NUL, and is short enough that reading it a byte at a time costs less than starting a
    /// process); else 0.
    /// </summary>
    private static int ReadableLines(byte[] part) =>
        part.Length is > 0 and <= MaxReadByShell && part[^1] == (byte)'\n' && !part.Contains((byte)0) ? part.Count(b => b == (byte)'\n') : 0;

    /// <summary>The shell reads a pipe a byte per system call: past about this size, <c>head</c> is cheaper.</summary>
    private const int MaxReadByShell = 2048;

    private static bool IsShellName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
