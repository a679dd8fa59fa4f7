using Hearth.Engine.Operations;
using Hearth.Templates.Values;

namespace Hearth.Cli.Rendering;

/// <summary>Prints a preview: per resource, what would happen and why.</summary>
internal static class PreviewRenderer
{
    public static async Task WriteAsync(CliConsole console, PreviewResult preview, OutputFormat format)
    {
        if (format == OutputFormat.Table)
        {
            await TableWriter.WriteAsync(console.Out, ["Resource", "Type", "Action", "Reason"],
                preview.Changes.Select(c => (IReadOnlyList<string>)[c.ResourceName, c.Type, Kind(c.Kind), c.Reason]));
            var counts = preview.Changes.GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Kind(g.Key)}");
            await console.Error.WriteLineAsync($"Plan for stack {preview.StackName}: {string.Join(", ", counts)}");
            return;
        }

        var view = Value.NewMap();
        view["stack_name"] = preview.StackName;
        view["resources"] = preview.Changes.Select(c =>
        {
            var map = Value.NewMap();
            map["resource_name"] = c.ResourceName;
            map["resource_type"] = c.Type;
            map["action"] = Kind(c.Kind);
            map["reason"] = c.Reason;
            map["changed_properties"] = c.ChangedProperties.ToList<object?>();
            map["known_after_apply"] = c.KnownAfterApply;
            return (object?)map;
        }).ToList();
        await StructuredOutput.WriteAsync(console.Out, format, view);
    }

    private static string Kind(ChangeKind kind) => kind switch
    {
        ChangeKind.Unchanged => "unchanged",
        ChangeKind.Create => "create",
        ChangeKind.Update => "update",
        ChangeKind.Replace => "replace",
        ChangeKind.Delete => "delete",
        ChangeKind.Restore => "restore",
        _ => kind.ToString(),
    };
}
