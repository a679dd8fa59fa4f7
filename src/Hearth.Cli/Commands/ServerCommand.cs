using System.CommandLine;
using Hearth.Server;
using Microsoft.Extensions.Logging;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth server</c>: serves the state's stacks over Heat's API until stopped (Ctrl+C, SIGTERM).</summary>
internal static class ServerCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("server", "Serve the stacks over Heat's v1 API (the openstack stack client works against it)");
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, ';' between addresses (loopback unless told otherwise)",
            DefaultValueFactory = _ => ServerSettings.DefaultUrls,
        };
        var certificate = new Option<string?>("--certificate") { Description = "Serve TLS (https:// URLs) with this certificate: PEM (with --certificate-key) or PKCS#12" };
        var certificateKey = new Option<string?>("--certificate-key") { Description = "The PEM private key of --certificate" };
        var interrupted = new Option<InterruptedPolicy>("--interrupted")
        {
            Description = "At start, what to do with operations a stopped server left in progress: resume them (the default), or leave them for stack resume/cancel",
            HelpName = "resume|leave",
        }.OneOfNames(text => $"'{text}' is not a choice for --interrupted; use resume or leave");
        var maxParallel = new Option<int>("--max-parallel")
        {
            Description = "The most resource actions at once in one operation",
            DefaultValueFactory = _ => Engine.EngineOptions.DefaultMaxParallel,
        }.AtLeast(1);
        command.Options.Add(urls);
        command.Options.Add(certificate);
        command.Options.Add(certificateKey);
        command.Options.Add(interrupted);
        command.Options.Add(maxParallel);
        command.SetAction(async (parse, ct) =>
        {
            foreach (var file in new[] { parse.GetValue(certificate), parse.GetValue(certificateKey) }.OfType<string>().Where(f => !File.Exists(f)))
            {
                throw new UserErrorException($"the certificate file '{file}' does not exist");
            }

            if (parse.GetValue(certificate) is null && parse.GetRequiredValue(urls).Contains("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserErrorException("an https:// address needs a certificate: --certificate FILE");
            }

            var settings = new ServerSettings(
                EngineHost.Settings(parse, parse.GetValue(maxParallel), longLived: true),
                parse.GetRequiredValue(urls),
                parse.GetValue(certificate),
                parse.GetValue(certificateKey),
                parse.GetValue(interrupted));
            var host = await EngineHost.OpenHostAsync(parse, parse.GetValue(maxParallel), ct, longLived: true);
            HearthServer server;
            try
            {
                server = HearthServer.Create(settings, host, logging => logging.AddProvider(new ConsoleLogger(console)));
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }

            await using (server)
            {
                try
                {
                    await server.StartAsync(ct);
                }
                catch (IOException e)
                {
                    throw new UserErrorException($"cannot listen on {settings.Urls}: {e.Message}", ExitCodes.OperationFailed);
                }

                foreach (var address in server.Addresses)
                {
                    // One line per address on stdout, for scripts (and tests) that started it on port 0.
                    await console.Out.WriteLineAsync($"Listening on {address}");
                }

                await console.Out.FlushAsync(ct);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    await console.Error.WriteLineAsync("hearth server: stopping (running operations stop and roll back)");
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The server's log lines on the command's stderr.</summary>
    private sealed class ConsoleLogger(CliConsole console) : ILoggerProvider, ILogger
    {
        private readonly Lock _lock = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lock (_lock)
            {
                console.Error.WriteLine($"hearth server: {formatter(state, exception)}{(exception is null ? "" : System.Environment.NewLine + exception)}");
            }
        }

        public void Dispose()
        {
        }
    }
}
