using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack resource list|show</c>.</summary>
internal static class ResourceCommands
{
    public static Command Create(CliConsole console)
    {
        var resource = new Command("resource", "Read a stack's resources");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };

        var list = new Command("list", "List a stack's resources");
        var nestedDepth = new Option<int>("--nested-depth") { Description = "Also list resources of nested stacks, this many levels down" }.AtLeast(0);
        var listFormat = OutputFormatOption.Create();
        list.Arguments.Add(stackName);
        list.Options.Add(nestedDepth);
        list.Options.Add(listFormat);
        list.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var depth = parse.GetValue(nestedDepth);
                var resources = await engine.ListResourcesAsync(parse.GetRequiredValue(stackName), depth, ct);
                if (parse.GetValue(listFormat) == OutputFormat.Table)
                {
                    string[] headers = ["Resource Name", "Physical ID", "Resource Type", "Resource Status", "Updated Time"];
                    await TableWriter.WriteAsync(console.Out, depth > 0 ? [.. headers, "Stack Name"] : headers,
                        resources.Select(x => (IReadOnlyList<string>)[x.Resource.Name, x.Resource.PhysicalId ?? "", x.Resource.Type,
                            Hearth.State.HeatStatus.Format(x.Resource.Action, x.Resource.Status), HeatViews.Time(x.Resource.UpdatedAt ?? x.Resource.CreatedAt), x.StackName]));
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(listFormat), resources.Select(x =>
                    {
                        var view = HeatViews.Resource(x.Resource);
                        if (depth > 0)
                        {
                            view["stack_name"] = x.StackName;
                        }

                        return view;
                    }).ToList());
                }

                return ExitCodes.Success;
            }
        });

        var show = new Command("show", "Show one resource: status, properties and attributes");
        var resourceName = new Argument<string>("RESOURCE") { Description = "The resource name" };
        var showFormat = OutputFormatOption.Create();
        show.Arguments.Add(stackName);
        show.Arguments.Add(resourceName);
        show.Options.Add(showFormat);
        show.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var name = parse.GetRequiredValue(resourceName);
                var resources = await engine.ListResourcesAsync(parse.GetRequiredValue(stackName), ct);
                var found = resources.FirstOrDefault(r => r.Name == name)
                    ?? throw new UserErrorException($"stack '{parse.GetRequiredValue(stackName)}' has no resource '{name}'", ExitCodes.NotFound);
                var view = HeatViews.ResourceDetail(found, resources);
                if (parse.GetValue(showFormat) == OutputFormat.Table)
                {
                    await TableWriter.WriteAsync(console.Out, ["Field", "Value"], view.Select(kv => (IReadOnlyList<string>)[kv.Key, HeatViews.Cell(kv.Value)]));
                }
                else
                {
                    await StructuredOutput.WriteAsync(console.Out, parse.GetValue(showFormat), view);
                }

                return ExitCodes.Success;
            }
        });

        resource.Subcommands.Add(list);
        resource.Subcommands.Add(show);
        return resource;
    }
}
