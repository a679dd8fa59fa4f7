using System.Collections.Immutable;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Parameters;

/// <summary>
/// Parses <c>--parameter K=V</c> arguments. Values stay strings (as Heat receives API parameters): the parameter's
/// type converts them. Each value's span names the argument: file <c>--parameter</c>, column = which
/// <c>--parameter</c> it was (1-based), so a diagnostic reads <c>--parameter:1:2: error HT304: Parameter 'p' is invalid: …</c>.
/// </summary>
public static class CommandLineParameters
{
    /// <summary>The pseudo file name of values given on the command line.</summary>
    public const string SourceName = "--parameter";

    /// <summary>The span of the <paramref name="ordinal"/>-th (0-based) <c>--parameter</c> argument.</summary>
    public static SourceSpan SpanOf(int ordinal) => new(SourceName, 1, ordinal + 1, 1, ordinal + 1);

    /// <summary>Splits each argument on its first '='; an argument without '=' is an HT307 diagnostic.</summary>
    public static ImmutableArray<ParameterInput> Parse(IEnumerable<string> arguments, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<ParameterInput>();
        var ordinal = 0;
        foreach (var argument in arguments)
        {
            var span = SpanOf(ordinal++);
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                var problem = equals == 0 ? "has no parameter name before '='" : "has no '='";
                diagnostics.Error(span, DiagnosticCodes.ParameterArgumentSyntax,
                    $"--parameter '{argument}' {problem}; the expected form is --parameter NAME=VALUE (for example --parameter db_port=5432)");
                continue;
            }

            result.Add(new ParameterInput(argument[..equals], argument[(equals + 1)..], span));
        }

        return result.ToImmutable();
    }
}
