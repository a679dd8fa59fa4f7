using Hearth.Engine;
using Hearth.Templates.Model;

namespace Hearth.Hosting;

/// <summary>What a host decides about the engine it builds: where the state is, how wide operations run, how scripts call back.</summary>
/// <param name="StateDirectory">The state folder (the SQLite database, parsed templates, deployments' working folders).</param>
/// <param name="MaxParallel">The most resource actions at once in one operation.</param>
/// <param name="HearthCommand">The shell-quoted command that runs this hearth, for the commands handed to scripts (signals).</param>
public sealed record EngineSettings(string StateDirectory, int MaxParallel = EngineOptions.DefaultMaxParallel, string? HearthCommand = null)
{
    /// <summary>Heat's default stack timeout: a deployment runs at most an hour unless its config says otherwise.</summary>
    public static readonly TimeSpan DefaultDeploymentTimeout = TimeSpan.FromHours(1);

    /// <summary>The environment scripts start from; by default this process's without Hearth's own credentials.</summary>
    public IReadOnlyDictionary<string, string> ScriptEnvironment { get; init; } =
        HostCredentials.Without(System.Environment.GetEnvironmentVariables());

    /// <summary>
    /// The templates read lately, which the engine shares: the <c>hearth</c> command passes the one it captured its
    /// template through, so the operation does not parse the same text again.
    /// </summary>
    public TemplateCache Templates { get; init; } = new();

    /// <summary>
    /// The command that runs the state folder's SSH session broker (see <c>SshOptions.Broker</c>): the <c>hearth</c>
    /// command passes itself, so that its hosts' sessions outlive each short command; null for an engine that lives long.
    /// </summary>
    public IReadOnlyList<string>? SshBroker { get; init; }

    /// <summary>Trust SSH hosts' keys on first use, into the state folder's known_hosts (see <c>SshOptions.AcceptNewHostKeys</c>).</summary>
    public bool AcceptNewHostKeys { get; init; }
}
