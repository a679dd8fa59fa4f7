using System.Collections.Immutable;
using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;
using Hearth.Engine.Operations;
using Hearth.State;
using Hearth.Templates.Model;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack …</c>: operations on stacks and reads of their resources, outputs and events.</summary>
internal static class StackCommands
{
    private static readonly Argument<string> StackName = new("NAME") { Description = "The stack name" };

    /// <summary>
    /// What finishes or rolls back an operation this command leaves interrupted, as commands to paste: for its stack
    /// (NAME when it names none) and with the options that chose its state.
    /// </summary>
    public static string ResumeOrCancel(ParseResult parse)
    {
        var command = $"{GlobalOptions.Command(parse)} stack";
        var name = parse.GetResult(StackName)?.GetValueOrDefault<string>() is { Length: > 0 } given ? given : "NAME";
        return $"'{command} resume {name}' finishes it, '{command} cancel {name}' rolls it back";
    }

    public static Command Create(CliConsole console)
    {
        var stack = new Command("stack", "Create, update, inspect and delete stacks");
        stack.Subcommands.Add(CreateCommand(console));
        stack.Subcommands.Add(UpdateCommand(console));
        stack.Subcommands.Add(PreviewCommand(console));
        stack.Subcommands.Add(DeleteCommand(console));
        stack.Subcommands.Add(ListCommand(console));
        stack.Subcommands.Add(ShowCommand(console));
        stack.Subcommands.Add(ResumeCommand(console));
        stack.Subcommands.Add(CancelCommand(console));
        stack.Subcommands.Add(GraphCommands.Create(console));
        stack.Subcommands.Add(OutputCommands.Create(console));
        stack.Subcommands.Add(ResourceCommands.Create(console));
        stack.Subcommands.Add(EventCommands.Create(console));
        stack.Subcommands.Add(HookCommands.Create(console));
        stack.Subcommands.Add(SignalCommands.Create(console));
        foreach (var option in GlobalOptions.OfStack.All)
        {
            stack.Options.Add(option);
        }

        return stack;
    }

    private static readonly Option<int> MaxParallel = new Option<int>("--max-parallel")
    {
        Description = "The most resource actions at once",
        DefaultValueFactory = _ => EngineOptions.DefaultMaxParallel,
    }.AtLeast(1);

    private static Command CreateCommand(CliConsole console)
    {
        var command = new Command("create", "Create a stack from a template");
        var inputs = new TemplateInputOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be created, and change nothing" };
        var disableRollback = new Option<bool>("--disable-rollback") { Description = "On failure, leave the stack as it failed instead of rolling back" };
        var format = OutputFormatOption.Create();
        command.Arguments.Add(StackName);
        inputs.AddTo(command);
        AddOperationOptions(command, format, dryRun, disableRollback);
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(StackName);
            if (StackNames.Problem(name) is { } problem)
            {
                // Before anything is read or written: the name would become part of file names.
                throw new UserErrorException(problem);
            }

            var templates = new TemplateCache();
            var source = await TemplateInput.CaptureAsync(parse, inputs, templates, console, ct);
            return await ChangeAsync(parse, console, new StackChange(name, templates, source, [], parse.GetValue(dryRun), parse.GetValue(format)),
                (engine, observer) => engine.CreateAsync(name, source, parse.GetValue(disableRollback), observer, ct), ct);
        });
        return command;
    }

    private static Command UpdateCommand(CliConsole console)
    {
        var command = new Command("update", "Update a stack to a new template, environment or parameters");
        var inputs = new TemplateInputOptions();
        inputs.Template.Required = false;
        var existing = new Option<bool>("--existing") { Description = "Reuse the stack's stored template, environment and parameters (--parameter overrides)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would change and why, and change nothing" };
        var disableRollback = new Option<bool?>("--disable-rollback") { Description = "On failure, leave the stack as it failed instead of rolling back" };
        var format = OutputFormatOption.Create();
        command.Arguments.Add(StackName);
        inputs.AddTo(command);
        AddOperationOptions(command, format, existing, dryRun, disableRollback);
        RefuseNewDefinitionWithExisting(command, inputs, existing);
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(StackName);
            var templates = new TemplateCache();
            var (source, overrides) = await UpdateInputAsync(parse, inputs, parse.GetValue(existing), templates, console, ct);
            return await ChangeAsync(parse, console, new StackChange(name, templates, source, overrides, parse.GetValue(dryRun), parse.GetValue(format)),
                (engine, observer) => engine.UpdateAsync(name, source, overrides, parse.GetValue(disableRollback), observer, ct), ct);
        });
        return command;
    }

    /// <summary>
    /// The options of a command that runs an operation, in the order help lists them: its own, then --max-parallel,
    /// --accept-new-host-keys, --no-wait and --format.
    /// </summary>
    private static void AddOperationOptions(Command command, Option<OutputFormat> format, params ReadOnlySpan<Option> own)
    {
        foreach (var option in own)
        {
            command.Options.Add(option);
        }

        command.Options.Add(MaxParallel);
        command.Options.Add(EngineHost.AcceptNewHostKeys);
        Background.AddTo(command);
        command.Options.Add(format);
    }

    /// <summary>What a create or an update was asked to do, once its inputs are read.</summary>
    /// <param name="Overrides">Parameters given with --existing (the stored template is reused).</param>
    private sealed record StackChange(string Name, TemplateCache Templates, DefinitionSource? Source, ImmutableArray<string> Overrides, bool DryRun, OutputFormat Format);

    /// <summary>
    /// create and update alike: start the operation in the background (--no-wait), show what it would do (--dry-run), or
    /// run it with progress and report how it ended.
    /// </summary>
    private static async Task<int> ChangeAsync(
        ParseResult parse,
        CliConsole console,
        StackChange change,
        Func<IStackService, IEngineObserver, Task<OperationOutcome>> run,
        CancellationToken ct)
    {
        var noWait = parse.GetValue(Background.NoWait) && !change.DryRun;
        if (noWait && !EngineHost.IsRemote(parse))
        {
            return await Background.StartAsync(parse, console, change.Name, ct);
        }

        var (engine, store) = await EngineHost.OpenAsync(parse, parse.GetValue(MaxParallel), change.Templates, ct, console);
        await using (store)
        {
            if (change.DryRun)
            {
                var preview = await engine.PreviewAsync(change.Name, change.Source, change.Overrides, ct);
                await PreviewRenderer.WriteAsync(console, preview, change.Format);
                return ExitCodes.Success;
            }

            var outcome = await Progress.RunAsync(console, observer => run(engine, observer));
            if (noWait)
            {
                return await Background.ReportAcceptedAsync(parse, console, outcome);
            }

            return await ReportAsync(console, engine, outcome, change.Format, ct, hearth: GlobalOptions.Command(parse));
        }
    }

    private static Command PreviewCommand(CliConsole console)
    {
        var command = new Command("preview", "Show what an update (or a create) would do, per resource, and why");
        var inputs = new TemplateInputOptions();
        inputs.Template.Required = false;
        var existing = new Option<bool>("--existing") { Description = "Preview against the stack's stored template (--parameter overrides)" };
        var format = OutputFormatOption.Create();
        command.Arguments.Add(StackName);
        inputs.AddTo(command);
        command.Options.Add(existing);
        command.Options.Add(format);
        RefuseNewDefinitionWithExisting(command, inputs, existing);
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(StackName);
            var templates = new TemplateCache();
            var (source, overrides) = await UpdateInputAsync(parse, inputs, parse.GetValue(existing), templates, console, ct);
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, templates, ct);
            await using (store)
            {
                var preview = await engine.PreviewAsync(name, source, overrides, ct);
                await PreviewRenderer.WriteAsync(console, preview, parse.GetValue(format));
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>
    /// <c>--existing</c> reuses the stored template and environment, so a template or environment given beside it would be
    /// ignored: refused while the command line is parsed (exit 2, before <c>--no-wait</c> starts anything).
    /// </summary>
    private static void RefuseNewDefinitionWithExisting(Command command, TemplateInputOptions inputs, Option<bool> existing) =>
        command.Validators.Add(result =>
        {
            if (result.GetValue(existing) && (result.GetResult(inputs.Template) is { Implicit: false } || result.GetResult(inputs.Environments) is { Implicit: false }))
            {
                result.AddError("--existing reuses the stack's stored template and environment: give --existing (with --parameter to change values) or -t TEMPLATE [-e ENV], not both");
            }
        });

    private static async Task<(DefinitionSource? Source, ImmutableArray<string> Overrides)> UpdateInputAsync(
        ParseResult parse, TemplateInputOptions inputs, bool existing, TemplateCache templates, CliConsole console, CancellationToken ct)
    {
        var template = parse.GetValue(inputs.Template);
        if (existing || template is null)
        {
            if (!existing)
            {
                throw new UserErrorException("give the new template with -t FILE, or --existing to reuse the stored one");
            }

            return (null, [.. parse.GetValue(inputs.Parameters) ?? []]);
        }

        return (await TemplateInput.CaptureAsync(parse, inputs, templates, console, ct), []);
    }

    private static Command DeleteCommand(CliConsole console)
    {
        var command = new Command("delete", "Delete a stack and everything it made (resources with deletion_policy: Retain are kept)");
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (asked only when stderr is a terminal)" };
        command.Arguments.Add(StackName);
        command.Options.Add(yes);
        command.Options.Add(MaxParallel);
        command.Options.Add(EngineHost.AcceptNewHostKeys);
        Background.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(StackName);
            var noWait = parse.GetValue(Background.NoWait);
            if (noWait && !EngineHost.IsRemote(parse))
            {
                return await Background.StartAsync(parse, console, name, ct);
            }

            var (engine, store) = await EngineHost.OpenAsync(parse, parse.GetValue(MaxParallel), ct, console);
            await using (store)
            {
                if (!parse.GetValue(yes) && console.IsTerminal)
                {
                    // Only about a stack that exists: an unknown name is exit 4 at once, not after the user said yes.
                    await engine.GetStackAsync(name, ct);
                    await console.Error.WriteAsync($"Delete stack '{name}' and all its resources? [y/N] ");
                    var answer = await console.Input.ReadLineAsync(ct);
                    if (answer is null || !answer.Trim().StartsWith('y'))
                    {
                        await console.Error.WriteLineAsync("Not deleted.");
                        return ExitCodes.Success;
                    }
                }

                var outcome = await Progress.RunAsync(console, observer => engine.DeleteAsync(name, observer, ct));
                if (noWait)
                {
                    return await Background.ReportAcceptedAsync(parse, console, outcome);
                }

                if (outcome.Succeeded)
                {
                    await console.Error.WriteLineAsync($"Stack {name} deleted.");
                    return ExitCodes.Success;
                }

                await console.Error.WriteLineAsync($"Stack {name} {HeatStatus.Format(outcome.Stack.Action, outcome.Stack.Status)}: {outcome.Stack.StatusReason}");
                await console.Error.WriteLineAsync($"hearth: once what failed is fixed, '{GlobalOptions.Command(parse)} stack delete {name}' tries again (what was deleted stays deleted).");
                return ExitCodes.OperationFailed;
            }
        });
        return command;
    }

    private static Command ListCommand(CliConsole console)
    {
        var command = new Command("list", "List the stacks");
        var format = OutputFormatOption.Create();
        command.Options.Add(format);
        command.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var stacks = await engine.ListStacksAsync(ct);
                if (parse.GetValue(format) == OutputFormat.Table)
                {
                    var rows = new List<IReadOnlyList<string>>();
                    foreach (var (s, _) in stacks)
                    {
                        rows.Add([s.Name, await StatusTextAsync(engine, s, ct), HeatViews.Time(s.CreatedAt), HeatViews.UpdatedTime(s) is { } u ? HeatViews.Time(u) : ""]);
                    }

                    await TableWriter.WriteAsync(console.Out, ["Stack Name", "Stack Status", "Creation Time", "Updated Time"], rows);
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(format), stacks.Select(s => HeatViews.Stack(s.Stack, description: s.Description)).ToList());
                }

                return ExitCodes.Success;
            }
        });
        return command;
    }

    private static Command ShowCommand(CliConsole console)
    {
        var command = new Command("show", "Show a stack: status, parameters (hidden ones masked) and outputs");
        var format = OutputFormatOption.Create();
        command.Arguments.Add(StackName);
        command.Options.Add(format);
        command.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var stack = await engine.GetStackAsync(parse.GetRequiredValue(StackName), ct);
                var outputs = await engine.GetOutputsAsync(stack.Name, ct);
                var view = await ShownStackAsync(engine, stack, outputs, ct);
                if (parse.GetValue(format) == OutputFormat.Table)
                {
                    view["stack_status"] = await StatusTextAsync(engine, stack, ct);
                    var rows = view.Select(kv => (IReadOnlyList<string>)[kv.Key, HeatViews.Cell(kv.Value)]);
                    await TableWriter.WriteAsync(console.Out, ["Field", "Value"], rows);
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(format), view);
                }

                return ExitCodes.Success;
            }
        });
        return command;
    }

    private static Command ResumeCommand(CliConsole console) =>
        InterruptedCommand(console, "resume", "Finish an operation that was interrupted (its process died)",
            (engine, name, observer, ct) => engine.ResumeAsync(name, observer, ct));

    private static Command CancelCommand(CliConsole console) =>
        InterruptedCommand(console, "cancel", "Roll back an operation that was interrupted (its process died)",
            (engine, name, observer, ct) => engine.CancelAsync(name, observer, ct), rollbackRequested: true);

    /// <summary>resume and cancel: an operation on a stack by name, with progress and the usual report.</summary>
    private static Command InterruptedCommand(
        CliConsole console,
        string verb,
        string description,
        Func<IStackService, string, IEngineObserver, CancellationToken, Task<OperationOutcome>> run,
        bool rollbackRequested = false)
    {
        var command = new Command(verb, description);
        var format = OutputFormatOption.Create();
        command.Arguments.Add(StackName);
        AddOperationOptions(command, format);
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(StackName);
            var noWait = parse.GetValue(Background.NoWait);
            if (noWait && !EngineHost.IsRemote(parse))
            {
                return await Background.StartAsync(parse, console, name, ct);
            }

            var (engine, store) = await EngineHost.OpenAsync(parse, parse.GetValue(MaxParallel), ct, console);
            await using (store)
            {
                var outcome = await Progress.RunAsync(console, observer => run(engine, name, observer, ct));
                if (noWait)
                {
                    return await Background.ReportAcceptedAsync(parse, console, outcome);
                }

                if (outcome.Succeeded && outcome.Stack.Action == ResourceAction.Delete)
                {
                    // A finished delete leaves no stack to report on.
                    await console.Error.WriteLineAsync($"Stack {name} deleted.");
                    return ExitCodes.Success;
                }

                return await ReportAsync(console, engine, outcome, parse.GetValue(format), ct, rollbackRequested, GlobalOptions.Command(parse));
            }
        });
        return command;
    }

    /// <summary>The stack as <c>stack show</c> gives it: Heat's fields, its parameters (hidden ones masked) and its template's description.</summary>
    private static async Task<OrderedDictionary<string, object?>> ShownStackAsync(
        IStackService engine, StackRecord stack, IEnumerable<OutputValue> outputs, CancellationToken ct)
    {
        var summary = await engine.GetTemplateSummaryAsync(stack.Name, ct);
        return HeatViews.Stack(stack, summary.Parameters, outputs, summary.Description);
    }

    /// <summary>The stack's status, with "(interrupted)" when its operation's process is gone.</summary>
    internal static async Task<string> StatusTextAsync(IStackService engine, StackRecord stack, CancellationToken ct)
    {
        var status = HeatStatus.Format(stack.Action, stack.Status);
        return await engine.FindDeadHolderAsync(stack, ct) is not null ? status + " (interrupted)" : status;
    }

    /// <summary>
    /// Prints how an operation ended (and the outputs on success) and chooses the exit code. As JSON or YAML, the stack
    /// as <c>stack show</c> gives it (its parameters and template description included), as Heat's client does.
    /// </summary>
    /// <param name="rollbackRequested">Cancel: the rollback is what the user asked for, so a completed one is a success.</param>
    /// <param name="hearth">How a command this suggests begins (<see cref="GlobalOptions.Command"/>).</param>
    private static async Task<int> ReportAsync(
        CliConsole console, IStackService engine, OperationOutcome outcome, OutputFormat format, CancellationToken ct, bool rollbackRequested = false, string hearth = "hearth")
    {
        var stack = outcome.Stack;
        var succeeded = outcome.Succeeded && (!outcome.RolledBack || rollbackRequested);
        var outputs = succeeded ? outcome.Outputs ?? [] : [];
        if (format == OutputFormat.Table)
        {
            await console.Error.WriteLineAsync($"Stack {stack.Name} {HeatStatus.Format(stack.Action, stack.Status)}: {stack.StatusReason}");
            await FailureText.WriteAsync(console.Error, outcome.Failures);
            if (stack is { Action: ResourceAction.Rollback, Status: OperationStatus.Failed })
            {
                // What is left half undone waits for the user: docs/engine.md, "a failure during rollback".
                await console.Error.WriteLineAsync(
                    $"hearth: once what failed is fixed, '{hearth} stack cancel {stack.Name}' finishes the rollback, or '{hearth} stack delete {stack.Name}' removes the stack and what it made.");
            }

            if (outputs.Count > 0)
            {
                await TableWriter.WriteAsync(console.Out, ["Output", "Value"], outputs.Select(o => (IReadOnlyList<string>)[o.Key, o.Error is null ? HeatViews.Cell(o.Value) : "error: " + o.Error]));
            }
        }
        else
        {
            await StructuredOutput.WriteAsync(console.Out, format, await ShownStackAsync(engine, stack, outputs, ct));
        }

        return succeeded ? ExitCodes.Success : ExitCodes.OperationFailed;
    }
}
