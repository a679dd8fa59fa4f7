using System.Security.Cryptography;

namespace Hearth.Cli.Commands;

/// <summary>
/// Owns the engine of a command run with <c>--accept-new-host-keys</c>: once the engine is closed, says which host keys
/// ssh added to the state's known_hosts meanwhile, with their fingerprints, so that the operator can check them.
/// </summary>
internal sealed class TrustedHostKeysReport(HearthEngine engine, string knownHosts, CliConsole console) : IAsyncDisposable
{
    private readonly HashSet<string> _before = [.. Lines(knownHosts)];

    public async ValueTask DisposeAsync()
    {
        await engine.DisposeAsync();
        foreach (var line in Lines(knownHosts).Where(l => !_before.Contains(l)))
        {
            if (line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var host, var type, var key, ..])
            {
                await console.Error.WriteLineAsync(
                    $"hearth: trusted the new host key of {host} on first use (--accept-new-host-keys): {type} {Fingerprint(key)}, saved in {knownHosts}");
            }
        }
    }

    /// <summary>The key's fingerprint as <c>ssh-keygen -lf</c> shows it: SHA256 of the key blob, base64 without padding.</summary>
    private static string Fingerprint(string base64)
    {
        try
        {
            return "SHA256:" + Convert.ToBase64String(SHA256.HashData(Convert.FromBase64String(base64))).TrimEnd('=');
        }
        catch (FormatException)
        {
            return "(unreadable key)";
        }
    }

    private static IEnumerable<string> Lines(string file) =>
        File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0 && !l.StartsWith('#')) : [];
}
