using System.CommandLine;
using Hearth.Cli.Commands;
using Hearth.Cli.Rendering;
using Hearth.Engine.Operations;
using Hearth.State;

namespace Hearth.Cli;

/// <summary>
/// The <c>hearth</c> command tree. Each command group lives in <c>Commands/</c>; this class wires them together,
/// maps parse errors to exit code 2 and keeps unexpected exceptions (bugs) apart from user errors.
/// </summary>
/// <param name="console">Where the command writes.</param>
/// <param name="commandChosen">Told the command's words (<c>stack create</c>) once they are parsed, before it runs.</param>
internal sealed class HearthCommandLine(CliConsole console, Action<string>? commandChosen = null)
{
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = new RootCommand("Hearth: a dataflow deployment orchestrator that speaks Heat (HOT) templates.");
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(TemplateCommands.Create(console));
        root.Subcommands.Add(StackCommands.Create(console));
        root.Subcommands.Add(ServerCommand.Create(console));
        root.Subcommands.Add(TokenCommands.Create(console));
        root.Subcommands.Add(SshBrokerCommand.Create(console));

        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            // Signals are Hearth's (StopSignals): System.CommandLine's own handler would end the process 2 s after the
            // first Ctrl+C or SIGTERM, in the middle of the rollback it started.
            ProcessTerminationTimeout = null,
        };

        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await console.Error.WriteLineAsync($"hearth: {error.Message}");
            }

            await console.Error.WriteLineAsync("Run 'hearth --help' for usage.");
            return ExitCodes.UsageOrTemplateError;
        }

        commandChosen?.Invoke(CommandWords(parseResult.CommandResult.Command));
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (UserErrorException e)
        {
            await console.Error.WriteLineAsync($"hearth: {e.Message}");
            return e.ExitCode;
        }
        catch (EngineException e)
        {
            await DiagnosticPrinter.WriteAsync(console, e.Diagnostics);
            await console.Error.WriteLineAsync($"hearth: {EngineErrorText.Render(e)}");
            return e.Kind switch
            {
                EngineErrorKind.Busy => ExitCodes.StackBusy,
                EngineErrorKind.NotFound => ExitCodes.NotFound,
                _ => ExitCodes.UsageOrTemplateError,
            };
        }
        catch (Exception e) when (Unusable(e) is { } unusable)
        {
            await console.Error.WriteLineAsync($"hearth: {unusable.Message}");
            if (unusable is StateNotWritableException)
            {
                await console.Error.WriteLineAsync(
                    "hearth: nothing recorded before was lost; once that is fixed, 'hearth stack resume NAME' continues an operation this stopped.");
            }

            return ExitCodes.StateUnusable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("hearth: cancelled");
            return ExitCodes.OperationFailed;
        }
    }

    /// <summary>The state problem behind <paramref name="exception"/>, however deep the engine wrapped it.</summary>
    private static StateUnusableException? Unusable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is StateUnusableException unusable)
            {
                return unusable;
            }

            if (current is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(Unusable).FirstOrDefault(found => found is not null);
            }
        }

        return null;
    }

    /// <summary>The words that name a command below the root (<c>stack create</c>); empty for the root itself.</summary>
    private static string CommandWords(Command command)
    {
        var words = new Stack<string>();
        for (Command? current = command; current is not null and not RootCommand; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            words.Push(current.Name);
        }

        return string.Join(' ', words);
    }
}

/// <summary>A mistake of the user's (a missing file, a stack that does not exist): a message and an exit code, never a stack trace.</summary>
public sealed class UserErrorException(string message, int exitCode = ExitCodes.UsageOrTemplateError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
