using Hearth.Engine.Operations;

namespace Hearth.Cli.Rendering;

/// <summary>An engine error as the CLI prints it: the engine's message, and its suggestion as the <c>hearth</c> command that does it.</summary>
internal static class EngineErrorText
{
    /// <param name="hearth">How the suggested command begins: <c>hearth</c> and the options that chose the stacks (<see cref="GlobalOptions.Command"/>).</param>
    public static string Render(EngineException error, string hearth = "hearth") => error.Message + error.Suggestion switch
    {
        null => "",
        { Kind: SuggestedActionKind.UpdateStack, StackName: var name } => $": update it with '{hearth} stack update {name}', or pick another name",
        { Kind: SuggestedActionKind.ListStacks } => $"; '{hearth} stack list' shows the stacks there are",
        { Kind: SuggestedActionKind.ListHooks, StackName: var name } => $" ('{hearth} stack hook list {name}' shows those that are)",
        { Kind: SuggestedActionKind.ResumeOrCancel, StackName: var name } =>
            $": run '{hearth} stack resume {name}' to finish it or '{hearth} stack cancel {name}' to roll it back",
        { Kind: SuggestedActionKind.WaitOrStop } =>
            "; wait for it to end, or stop it where it runs (Ctrl+C in its terminal, or kill -INT with its process id on its machine): it then rolls back",
        _ => "",
    };
}
