using Hearth.Engine.Operations;

namespace Hearth.Cli.Rendering;

/// <summary>An engine error as the CLI prints it: the engine's message, and its suggestion as the <c>hearth</c> command that does it.</summary>
internal static class EngineErrorText
{
    public static string Render(EngineException error) => error.Message + error.Suggestion switch
    {
        null => "",
        { Kind: SuggestedActionKind.UpdateStack, StackName: var name } => $": update it with 'hearth stack update {name}', or pick another name",
        { Kind: SuggestedActionKind.ListStacks } => "; 'hearth stack list' shows the stacks there are",
        { Kind: SuggestedActionKind.ListHooks, StackName: var name } => $" ('hearth stack hook list {name}' shows those that are)",
        { Kind: SuggestedActionKind.ResumeOrCancel, StackName: var name } =>
            $": run 'hearth stack resume {name}' to finish it or 'hearth stack cancel {name}' to roll it back",
        _ => "",
    };
}
