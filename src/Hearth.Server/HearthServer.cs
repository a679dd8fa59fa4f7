using System.Security.Cryptography.X509Certificates;
using Hearth.Hosting;
using Hearth.Server.Auth;
using Hearth.Server.Dashboard;
using Hearth.Server.Heat;
using Hearth.Server.Live;
using Hearth.Server.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hearth.Server;

/// <summary>
/// <c>hearth server</c>: one engine (<see cref="HearthEngine"/>, the composition root the CLI uses too) serving every
/// stack in its state, Heat's v1 API over it, and the operations it runs, which outlive the requests that start them.
/// </summary>
public sealed class HearthServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HearthEngine _host;

    private HearthServer(WebApplication app, HearthEngine host)
    {
        _app = app;
        _host = host;
    }

    /// <summary>The addresses the server listens on, once started (a port 0 is resolved).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>Builds the server over <paramref name="host"/>, which it owns from then on (and closes when it stops).</summary>
    public static HearthServer Create(ServerSettings settings, HearthEngine host, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (settings.CertificateFile is { } certificateFile)
        {
            var certificate = LoadCertificate(certificateFile, settings.CertificateKeyFile);
            // The slim builder leaves HTTPS out unless asked for.
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }

        builder.Logging.ClearProviders();
        // ASP.NET's own lines (every request) only when something is wrong; Hearth's (operations started and ended) always.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.Services.AddSingleton(host);
        builder.Services.AddSingleton(host.Tokens);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServerOperations>();
        builder.Services.AddSingleton<TokenAuthentication>();
        builder.Services.AddSingleton<HeatErrorFilter>();
        builder.Services.AddHostedService<InterruptedOperations>();
        var app = builder.Build();
        var v1 = app.MapHeatApi();
        EventStreamEndpoints.Map(v1);
        InterruptedOperationEndpoints.Map(v1);
        DashboardEndpoints.Map(v1);
        BrowserSignIn.Map(app);
        app.MapDashboardPage();
        return new HearthServer(app, host);
    }

    public Task StartAsync(CancellationToken cancellationToken) => _app.StartAsync(cancellationToken);

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled, then stops its operations (they roll back) and closes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _app.StartAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Asked to stop: what follows stops.
        }
    }

    /// <summary>Stops listening, stops the running operations (waiting for their rollbacks) and closes the state.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        // The container disposes the operations (stopping them) before the engine they use.
        await _app.DisposeAsync();
        await _host.DisposeAsync();
    }

    private static X509Certificate2 LoadCertificate(string file, string? keyFile) =>
        keyFile is not null || file.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            ? X509Certificate2.CreateFromPemFile(file, keyFile ?? file)
            : X509CertificateLoader.LoadPkcs12FromFile(file, password: null);
}
