using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Parameters;

/// <summary>
/// A value given for a parameter, with where it was given: an environment file's <c>parameters</c> /
/// <c>parameter_defaults</c> entry, or a <c>--parameter K=V</c> argument (see <see cref="CommandLineParameters"/>).
/// </summary>
public sealed record ParameterInput(string Name, object? Value, SourceSpan Span);

/// <summary>The identity of the stack the pseudo-parameters (<c>OS::stack_name</c>, <c>OS::stack_id</c>, <c>OS::project_id</c>) report.</summary>
public sealed record StackIdentity(string Name, string Id, string ProjectId);
