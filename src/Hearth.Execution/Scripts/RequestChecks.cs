namespace Hearth.Execution.Scripts;

/// <summary>What every transport checks of a request before it runs anything (a malformed one is the caller's bug).</summary>
internal static class RequestChecks
{
    /// <exception cref="ArgumentException">The deployment id is not a plain file name, the action is unknown, or the timeout is not positive.</exception>
    public static void Validate(DeploymentRequest request)
    {
        ValidateId(request.DeploymentId, nameof(request));

        if (!DeploymentActions.IsKnown(request.Action))
        {
            throw new ArgumentException($"Action '{request.Action}' is not one of {string.Join(", ", DeploymentActions.All)}", nameof(request));
        }

        if (request.Timeout <= TimeSpan.Zero && request.Timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"Timeout {request.Timeout} is not positive", nameof(request));
        }
    }

    /// <summary>The id names the deployment's working folder, so it must be a plain file name.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static void ValidateId(string id, string parameterName)
    {
        if (id.Length == 0 || id is "." or ".." || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"Deployment id '{id}' is not a plain file name (letters, digits, '-', '_', '.')", parameterName);
        }
    }

    /// <summary>A script with a <c>#!</c> line is executed directly; any other is run by the shell (Heat would fail to execute it).</summary>
    public static bool HasShebang(string script) => script.StartsWith("#!", StringComparison.Ordinal);

    /// <summary>A leftover that was stopped shows first in the run's stderr (deploy_stderr), as a line of Hearth's own.</summary>
    public static DeploymentResult WithNote(DeploymentResult result, DeploymentResult? leftover) =>
        leftover is null ? result : result with { Stderr = $"[hearth: {leftover.StatusReason}]\n{result.Stderr}" };
}
