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
internal sealed class HearthCommandLine(CliConsole console)
{
    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var (root, stack) = Commands(console);
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

        var misplaced = MisplacedRemoteOptions(parseResult, stack);
        if (parseResult.Errors.Count > 0 || misplaced is not null)
        {
            // Said instead of the parser's errors: those would call --server and its value "unrecognized" arguments.
            foreach (var error in misplaced is null ? parseResult.Errors.Select(e => e.Message) : [misplaced])
            {
                await console.Error.WriteLineAsync($"hearth: {error}");
            }

            await console.Error.WriteLineAsync("Run 'hearth --help' for usage.");
            return ExitCodes.UsageOrTemplateError;
        }

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
            await console.Error.WriteLineAsync($"hearth: {EngineErrorText.Render(e, GlobalOptions.Command(parseResult))}");

            return e.Kind switch
            {
                EngineErrorKind.Busy => ExitCodes.StackBusy,
                EngineErrorKind.NotFound => ExitCodes.NotFound,
                _ => ExitCodes.UsageOrTemplateError,
            };
        }
        catch (Exception e) when (Cause<StateUnusableException>(e) is { } unusable)
        {
            await console.Error.WriteLineAsync($"hearth: {unusable.Message}");
            if (unusable is StateNotWritableException)
            {
                await console.Error.WriteLineAsync(
                    $"hearth: nothing recorded before was lost; once that is fixed, an operation this stopped is interrupted: {StackCommands.ResumeOrCancel(parseResult)}.");
            }

            return ExitCodes.StateUnusable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("hearth: cancelled");
            return ExitCodes.OperationFailed;
        }
        catch (Exception e) when (Cause<OutOfMemoryException>(e) is not null)
        {
            // A limit of the machine or the container (or DOTNET_GCHeapHardLimit), not a bug: no stack trace. What the
            // command recorded is kept, as when the process is killed.
            await console.Error.WriteLineAsync(
                $"hearth: out of memory: the command stopped. Nothing recorded before was lost; once memory is freed, an operation this stopped is interrupted: {StackCommands.ResumeOrCancel(parseResult)}.");
            return ExitCodes.OutOfMemory;
        }
    }

    /// <summary>
    /// What finishes or rolls back an operation that the command line <paramref name="args"/> leaves interrupted (see
    /// <see cref="StackCommands.ResumeOrCancel"/>); for a process that is ending at once, which has no parse at hand.
    /// </summary>
    public static string ResumeOrCancel(string[] args, CliConsole console) => StackCommands.ResumeOrCancel(Commands(console).Root.Parse(args));

    private static (RootCommand Root, Command Stack) Commands(CliConsole console)
    {
        var root = new RootCommand("Hearth: a dataflow deployment orchestrator that speaks Heat (HOT) templates.");
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }

        var stack = StackCommands.Create(console);
        root.Subcommands.Add(TemplateCommands.Create(console));
        root.Subcommands.Add(stack);
        root.Subcommands.Add(ServerCommand.Create(console));
        root.Subcommands.Add(TokenCommands.Create(console));
        root.Subcommands.Add(SshBrokerCommand.Create(console));
        return (root, stack);
    }

    /// <summary>The <typeparamref name="T"/> behind <paramref name="exception"/>, however deep the engine wrapped it (inner and aggregated exceptions).</summary>
    private static T? Cause<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(Cause<T>).FirstOrDefault(inner => inner is not null);
            }
        }

        return null;
    }

    /// <summary>
    /// Why <c>--server</c> or <c>--token</c> is refused where it was given: to a command outside <paramref name="stack"/>,
    /// before the command (the root's, which parse) or after it (where they are unknown). Null where they are not given,
    /// or given to a stack command or to none (<c>hearth --server URL --help</c>).
    /// </summary>
    private static string? MisplacedRemoteOptions(ParseResult parse, Command stack)
    {
        var command = parse.CommandResult.Command;
        if (command is RootCommand || IsWithin(command, stack))
        {
            return null;
        }

        var given = GlobalOptions.BeforeCommand.All
            .Where(o => parse.GetResult(o) is not null
                || parse.UnmatchedTokens.Any(t => t == o.Name || t.StartsWith(o.Name + "=", StringComparison.Ordinal)))
            .Select(o => o.Name)
            .ToList();
        return given.Count == 0
            ? null
            : $"{string.Join(" and ", given)} {(given.Count == 1 ? "is" : "are")} for the 'hearth stack' commands, to work on a hearth server's stacks: "
                + $"'hearth {CommandWords(command)}' does not take {(given.Count == 1 ? "it" : "them")}"
                + (command.Name == "server" ? " (a server serves the stacks of its own state, --state)" : "");
    }

    private static bool IsWithin(Command command, Command ancestor)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
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
