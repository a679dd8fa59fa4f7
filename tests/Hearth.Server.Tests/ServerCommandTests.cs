namespace Hearth.Server.Tests;

/// <summary><c>hearth server</c>'s command line: where it listens unless told, and what it refuses before it starts.</summary>
public sealed class ServerCommandTests
{
    [Fact]
    public void DefaultUrls_Unset_AreLoopbackOnly()
    {
        ServerSettings.DefaultUrls.Split(';').Select(u => new Uri(u).Host).ShouldBe(["127.0.0.1"]);
    }

    [Fact]
    public async Task Server_HttpsWithoutCertificate_IsAUsageError()
    {
        using var folder = new TempDirectory();

        var (exit, _, error) = await ServerProcess.HearthAsync(Path.Combine(folder.Path, "state"), "server", "--urls", "https://127.0.0.1:0");

        exit.ShouldBe(2, error);
        error.ShouldContain("an https:// address needs a certificate: --certificate FILE");
    }
}
