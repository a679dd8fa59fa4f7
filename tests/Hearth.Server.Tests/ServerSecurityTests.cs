using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hearth.Server.Tests;

/// <summary>What the server keeps to itself: its credentials from the scripts it runs; its traffic, with a certificate, behind TLS.</summary>
public sealed class ServerSecurityTests
{
    private const string SeeEnvironment = """
        heat_template_version: 2021-04-16
        resources:
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              outputs: [{name: seen}]
              config: |
                #!/bin/sh
                env | grep '^HEARTH_' | sort > "$heat_outputs_path.seen"
          server:
            type: OS::Heat::DeployedServer
          deploy:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
        outputs:
          seen: {value: {get_attr: [deploy, seen]}}
        """;

    [Fact]
    public async Task Script_RunByTheServer_DoesNotInheritHearthCredentials()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        var environment = new Dictionary<string, string>
        {
            ["HEARTH_TOKEN"] = "token-that-must-not-leak",
            ["HEARTH_SERVER"] = "http://127.0.0.1:1",
            ["HEARTH_TEST_MARKER"] = "kept",
        };
        using var server = await ServerProcess.StartAsync(state, environment);
        using var api = new HeatApiClient(server.Endpoint, token);

        var create = await api.CreateStackAsync("env", SeeEnvironment);
        create.Status.ShouldBe(HttpStatusCode.Created, create.ToString());
        await Poll.UntilAsync(async () => await api.StatusAsync("env") == "CREATE_COMPLETE", "the deployment ran");
        var (exit, json, error) = await ServerProcess.HearthAsync(state, "stack", "output", "show", "env", "seen", "-f", "json");

        exit.ShouldBe(0, error);
        var output = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("output_value").GetString() ?? "";
        output.ShouldContain("HEARTH_TEST_MARKER=kept");
        output.ShouldNotContain("HEARTH_TOKEN");
        output.ShouldNotContain("HEARTH_SERVER");
        output.ShouldNotContain("token-that-must-not-leak");
    }

    [Fact]
    public async Task Server_GivenACertificate_ServesTls()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "ci");
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificateFile = folder.File("server.pem", certificate.ExportCertificatePem());
        var keyFile = folder.File("server.key", key.ExportPkcs8PrivateKeyPem());
        using var server = await ServerProcess.StartAsync(state, null, "--urls", "https://127.0.0.1:0", "--certificate", certificateFile, "--certificate-key", keyFile);
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            // Trust exactly the certificate the test made, nothing else.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var api = new HeatApiClient(server.Endpoint, token, handler);

        var list = await api.GetAsync("/stacks");

        server.Url.ShouldStartWith("https://127.0.0.1:");
        list.Status.ShouldBe(HttpStatusCode.OK, list.ToString());
    }
}
