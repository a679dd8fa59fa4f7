using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;
using Hearth.Templates.Values;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack hook list|clear</c>: the breakpoints of an operation, seen and released from any terminal.</summary>
internal static class HookCommands
{
    public static Command Create(CliConsole console)
    {
        var hook = new Command("hook", "List and clear the hooks (breakpoints) a stack's resources wait at");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };

        var list = new Command("list", "List the resources waiting at a hook");
        var format = OutputFormatOption.Create();
        list.Arguments.Add(stackName);
        list.Options.Add(format);
        list.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var hooks = await engine.ListHooksAsync(parse.GetRequiredValue(stackName), ct);
                if (parse.GetValue(format) == OutputFormat.Table)
                {
                    await TableWriter.WriteAsync(console.Out, ["Resource Name", "Hook", "Since"],
                        hooks.Select(h => (IReadOnlyList<string>)[h.Resource, h.Hook, HeatViews.Time(h.Since)]));
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(format), hooks.Select(h =>
                    {
                        var view = Value.NewMap();
                        view["resource_name"] = h.Resource;
                        view["hook"] = h.Hook;
                        view["since"] = HeatViews.Time(h.Since);
                        return view;
                    }).ToList());
                }

                return ExitCodes.Success;
            }
        });

        var clear = new Command("clear", "Release resources waiting at a hook (nested resources as parent/child)");
        var resources = new Argument<string[]>("RESOURCE") { Description = "The resources to release", Arity = ArgumentArity.OneOrMore };
        clear.Arguments.Add(stackName);
        clear.Arguments.Add(resources);
        clear.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                foreach (var resource in parse.GetRequiredValue(resources))
                {
                    var cleared = await engine.ClearHookAsync(parse.GetRequiredValue(stackName), resource, ct);
                    await console.Error.WriteLineAsync($"Hook {cleared.Hook} of {cleared.Resource} cleared.");
                }

                return ExitCodes.Success;
            }
        });

        hook.Subcommands.Add(list);
        hook.Subcommands.Add(clear);
        return hook;
    }
}
