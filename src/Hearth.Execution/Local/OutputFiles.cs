using System.Collections.Immutable;
using Hearth.Templates.Files;

namespace Hearth.Execution.Local;

/// <summary>
/// Reads the files a script wrote for its declared outputs (<c>${heat_outputs_path}.NAME</c>). Only regular files, not
/// links, and each up to the cap of stdout and stderr: the file is opened without blocking and its type and size read
/// first (<see cref="RegularFile"/>), so a FIFO cannot hang the deployment past its timeout, nor a link to
/// <c>/dev/zero</c> or a huge sparse file fill the engine's memory. Such a file fails the deployment; a missing or
/// unreadable one leaves the output without a value, as hook-script.py does.
/// </summary>
internal static class OutputFiles
{
    /// <summary>The values read, and why the others were refused (one sentence each).</summary>
    public static (ImmutableDictionary<string, object?> Values, ImmutableArray<string> Refused) Read(
        IEnumerable<DeploymentOutputDeclaration> declared,
        string outputsPath,
        int maxBytes)
    {
        var values = ImmutableDictionary.CreateBuilder<string, object?>(StringComparer.Ordinal);
        var refused = ImmutableArray.CreateBuilder<string>();
        foreach (var output in declared)
        {
            var file = $"{outputsPath}.{output.Name}";
            var read = RegularFile.Read(file, maxBytes, followLinks: false);
            switch (read.Problem)
            {
                case FileProblem.None when read.Bytes is { } bytes:
                    values[output.Name] = RegularFile.Text(bytes);
                    break;
                case FileProblem.NotRegular:
                    refused.Add($"The output '{output.Name}' was not read: {file} is {read.Detail}, and outputs are read from regular files only");
                    break;
                case FileProblem.TooLarge:
                    refused.Add($"The output '{output.Name}' was not read: {file} is {read.Detail}");
                    break;
            }
        }

        return (values.ToImmutable(), refused.ToImmutable());
    }
}
