namespace Hearth.Templates.Diagnostics;

/// <summary>A range in a source file. Lines and columns are 1-based, as editors show them.</summary>
public readonly record struct SourceSpan(string File, int Line, int Column, int EndLine, int EndColumn)
{
    /// <summary>A span for problems that belong to a whole file (or to input given on the command line).</summary>
    public static SourceSpan WholeFile(string file) => new(file, 1, 1, 1, 1);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
