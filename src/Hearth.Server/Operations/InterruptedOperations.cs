using Hearth.Engine.Operations;
using Hearth.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Operations;

/// <summary>
/// At start, finds the operations that a server (or a hearth command) left in progress when its process died, and
/// resumes each in the background or leaves it for <c>hearth stack resume</c>/<c>cancel</c>, as configured.
/// </summary>
internal sealed partial class InterruptedOperations(
    HearthEngine host,
    ServerOperations operations,
    ServerSettings settings,
    ILogger<InterruptedOperations> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var engine = host.Engine;
        foreach (var stack in await host.Store.ListStacksAsync(cancellationToken))
        {
            if (await engine.FindDeadHolderAsync(stack, cancellationToken) is null)
            {
                continue;
            }

            if (settings.Interrupted == InterruptedPolicy.Leave)
            {
                LogLeft(logger, stack.Name);
                continue;
            }

            LogResuming(logger, stack.Name);
            try
            {
                await operations.StartAsync(stack.Name, "resume", (observer, ct) => engine.ResumeAsync(stack.Name, observer, ct));
            }
            catch (EngineException e)
            {
                // Another process took it over since: it is theirs to finish.
                LogRefused(logger, stack.Name, e.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "stack {Stack} was interrupted: left for 'hearth stack resume' or 'hearth stack cancel'")]
    private static partial void LogLeft(ILogger logger, string stack);

    [LoggerMessage(Level = LogLevel.Information, Message = "stack {Stack} was interrupted: resuming it")]
    private static partial void LogResuming(ILogger logger, string stack);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stack {Stack} was interrupted and could not be resumed: {Reason}")]
    private static partial void LogRefused(ILogger logger, string stack, string reason);
}
