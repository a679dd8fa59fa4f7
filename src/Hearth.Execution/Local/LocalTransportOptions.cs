namespace Hearth.Execution.Local;

/// <summary>Settings of the <see cref="LocalTransport"/>.</summary>
/// <param name="StateRoot">
/// Folder under which each deployment gets its working folder, <c>deployments/&lt;deployment id&gt;/</c> (mode 0700).
/// </param>
public sealed record LocalTransportOptions(string StateRoot)
{
    /// <summary>How much of stdout and of stderr is kept (the tail). Default 1 MiB each.</summary>
    public int MaxCapturedBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// After the script exits, how long to wait for its stdout and stderr to close. A background process the script
    /// started can hold them open; after this grace the transport stops reading and returns what it has.
    /// </summary>
    public TimeSpan OutputDrainGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Interpreter for a script without a <c>#!</c> line (Heat would fail to execute such a file).</summary>
    public string Shell { get; init; } = "/bin/sh";

    /// <summary>
    /// The environment every script starts with (its inputs are added to it), chosen by the host: Hearth's own
    /// credentials are not in it (see Hearth.Hosting). Null: this process's environment as it is.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}
