using System.CommandLine;
using Hearth.Cli.Rendering;
using Hearth.Engine;
using Hearth.State;
using Hearth.Templates.Values;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth token create|list|revoke</c>: the tokens that <c>hearth server</c>'s API accepts, kept in the state.</summary>
internal static class TokenCommands
{
    public static Command Create(CliConsole console)
    {
        var token = new Command("token", "Create, list and revoke the API tokens of hearth server");
        token.Subcommands.Add(CreateCommand(console));
        token.Subcommands.Add(ListCommand(console));
        token.Subcommands.Add(RevokeCommand(console));
        return token;
    }

    private static Command CreateCommand(CliConsole console)
    {
        var command = new Command("create", "Make a token and print it, once: only its hash is kept");
        var name = new Argument<string>("NAME") { Description = "A name for the token (what revoke names)" };
        var readOnly = new Option<bool>("--read-only") { Description = "The token may read, not change anything" };
        command.Arguments.Add(name);
        command.Options.Add(readOnly);
        command.SetAction(async (parse, ct) =>
        {
            var tokenName = parse.GetRequiredValue(name);
            if (StackNames.Problem(tokenName) is { } problem)
            {
                throw new UserErrorException(problem.Replace("stack name", "token name", StringComparison.Ordinal));
            }

            await using var host = await EngineHost.OpenHostAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            string secret;
            try
            {
                secret = await host.Tokens.CreateAsync(tokenName, parse.GetValue(readOnly), ct);
            }
            catch (StateConflictException)
            {
                throw new UserErrorException($"a token named '{tokenName}' exists already; revoke it first to replace it");
            }

            // The secret alone on stdout, for $(hearth token create NAME); the words for people go to stderr.
            await console.Out.WriteLineAsync(secret);
            await console.Error.WriteLineAsync($"Token {tokenName} created{(parse.GetValue(readOnly) ? " (read-only)" : "")}. It is shown this once: only its hash is kept.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ListCommand(CliConsole console)
    {
        var command = new Command("list", "List the tokens (names and rights; the secrets are not kept)");
        var format = OutputFormatOption.Create();
        command.Options.Add(format);
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await EngineHost.OpenHostAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            var tokens = await host.Tokens.ListAsync(ct);
            if (parse.GetValue(format) == OutputFormat.Table)
            {
                await TableWriter.WriteAsync(console.Out, ["Name", "Access", "Created"],
                    tokens.Select(t => (IReadOnlyList<string>)[t.Name, Access(t), HeatViews.Time(t.CreatedAt)]));
            }
            else
            {
                await StructuredOutput.WriteAsync(console.Out, parse.GetValue(format), tokens.Select(t =>
                {
                    var view = Value.NewMap();
                    view["name"] = t.Name;
                    view["access"] = Access(t);
                    view["created_at"] = HeatViews.Time(t.CreatedAt);
                    return view;
                }).ToList());
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RevokeCommand(CliConsole console)
    {
        var command = new Command("revoke", "Revoke a token: the server refuses it from the next request on");
        var name = new Argument<string>("NAME") { Description = "The token's name" };
        command.Arguments.Add(name);
        command.SetAction(async (parse, ct) =>
        {
            var tokenName = parse.GetRequiredValue(name);
            await using var host = await EngineHost.OpenHostAsync(parse, EngineOptions.DefaultMaxParallel, ct);
            if (!await host.Tokens.RevokeAsync(tokenName, ct))
            {
                throw new UserErrorException($"no token is named '{tokenName}'", ExitCodes.NotFound);
            }

            await console.Error.WriteLineAsync($"Token {tokenName} revoked.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Access(ApiTokenRecord token) => token.ReadOnly ? "read-only" : "read-write";
}
