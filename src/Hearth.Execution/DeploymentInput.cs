namespace Hearth.Execution;

/// <summary>
/// One input of a derived config, with the value the deployment gives it: a template value (null, string, bool,
/// long, double, list, map). Build the whole list with <see cref="DeploymentInputs.Build"/>.
/// </summary>
public sealed record DeploymentInput(string Name, DeploymentValueType Type, object? Value);

/// <summary>An input as a config declares it (name, type, default).</summary>
public sealed record DeploymentInputDeclaration(string Name, DeploymentValueType Type = DeploymentValueType.String, object? Default = null);

/// <summary>An output as a config declares it. When an <paramref name="ErrorOutput"/> gets a value, the deployment fails.</summary>
public sealed record DeploymentOutputDeclaration(string Name, DeploymentValueType Type = DeploymentValueType.String, bool ErrorOutput = false);
