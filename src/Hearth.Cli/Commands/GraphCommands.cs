using System.CommandLine;
using System.Text;
using Hearth.Engine;
using Hearth.Engine.Operations;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth stack graph NAME [--format dot|mermaid]</c>: the dependency graph as a picture's source.</summary>
internal static class GraphCommands
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("graph", "Print the stack's dependency graph as DOT (Graphviz) or Mermaid");
        var stackName = new Argument<string>("NAME") { Description = "The stack name" };
        var format = new Option<GraphFormat>("--format", "-f")
        {
            Description = "dot (the default) or mermaid",
            HelpName = "dot|mermaid",
        }.OneOfNames(text => $"'{text}' is not a graph format for --format; use dot or mermaid");
        command.Arguments.Add(stackName);
        command.Options.Add(format);
        command.SetAction(async (parse, ct) =>
        {
            var (engine, store) = await EngineHost.OpenAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            await using (store)
            {
                var nodes = await engine.GetGraphAsync(parse.GetRequiredValue(stackName), ct);
                await console.Out.WriteAsync(parse.GetValue(format) == GraphFormat.Mermaid ? Mermaid(nodes) : Dot(parse.GetRequiredValue(stackName), nodes));
                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>Edges point from a resource to what it depends on, as Heat's graphs and <c>depends_on</c> read.</summary>
    internal static string Dot(string stack, IReadOnlyList<GraphNode> nodes)
    {
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(Escape(stack)).AppendLine("\" {");
        sb.AppendLine("  rankdir=LR;");
        sb.AppendLine("  node [shape=box, style=rounded];");
        foreach (var node in nodes)
        {
            var label = $"{node.Name}\\n{node.Type}" + (node.Status is null ? "" : $"\\n{node.Status}");
            sb.Append("  \"").Append(Escape(node.Name)).Append("\" [label=\"").Append(Escape(label).Replace("\\\\n", "\\n", StringComparison.Ordinal)).AppendLine("\"];");
        }

        foreach (var node in nodes)
        {
            foreach (var dependency in node.DependsOn)
            {
                sb.Append("  \"").Append(Escape(node.Name)).Append("\" -> \"").Append(Escape(dependency)).AppendLine("\";");
            }
        }

        sb.AppendLine("}");
        return sb.ToString();
    }

    internal static string Mermaid(IReadOnlyList<GraphNode> nodes)
    {
        var ids = nodes.Select((n, i) => (n.Name, Id: $"r{i}")).ToDictionary(x => x.Name, x => x.Id, StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.AppendLine("graph LR");
        foreach (var node in nodes)
        {
            sb.Append("  ").Append(ids[node.Name]).Append("[\"").Append(MermaidText(node.Name)).Append("<br/>").Append(MermaidText(node.Type));
            if (node.Status is not null)
            {
                sb.Append("<br/>").Append(MermaidText(node.Status));
            }

            sb.AppendLine("\"]");
        }

        foreach (var node in nodes)
        {
            foreach (var dependency in node.DependsOn.Where(ids.ContainsKey))
            {
                sb.Append("  ").Append(ids[node.Name]).Append(" --> ").AppendLine(ids[dependency]);
            }
        }

        return sb.ToString();
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string MermaidText(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal);
}

/// <summary>What <c>stack graph</c> prints: Graphviz's DOT (the default) or Mermaid.</summary>
internal enum GraphFormat
{
    Dot,
    Mermaid,
}
