using Hearth.Hosting;

namespace Hearth.Server;

/// <summary>What to do, at start, with the operations a server that stopped without finishing them left behind.</summary>
public enum InterruptedPolicy
{
    /// <summary>Resume each one (as <c>hearth stack resume</c> would).</summary>
    Resume,

    /// <summary>Leave them for the user: <c>hearth stack resume</c> or <c>hearth stack cancel</c>.</summary>
    Leave,
}

/// <summary>How <c>hearth server</c> listens and what it does at start.</summary>
/// <param name="Engine">The engine to build (state folder, parallelism).</param>
/// <param name="Urls">Where to listen, separated by ';' (ASP.NET's <c>--urls</c>); port 0 picks a free port.</param>
/// <param name="CertificateFile">A PEM certificate (with <see cref="CertificateKeyFile"/>) or a PKCS#12 file: the server speaks TLS.</param>
/// <param name="CertificateKeyFile">The PEM private key of <see cref="CertificateFile"/>, if it is not in it.</param>
/// <param name="Interrupted">What to do with interrupted operations at start.</param>
public sealed record ServerSettings(
    EngineSettings Engine,
    string Urls = ServerSettings.DefaultUrls,
    string? CertificateFile = null,
    string? CertificateKeyFile = null,
    InterruptedPolicy Interrupted = InterruptedPolicy.Resume)
{
    /// <summary>Loopback only unless told otherwise: the API changes real machines.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8004";
}
