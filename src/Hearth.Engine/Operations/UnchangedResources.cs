using System.Collections.Immutable;
using Hearth.State;
using Hearth.Templates.Diagnostics;
using Hearth.Templates.Stacks;
using Hearth.Templates.Values;

namespace Hearth.Engine.Operations;

/// <summary>
/// The resources of an update that provably evaluate to what their rows already hold, so that the operation neither
/// evaluates, compares nor touches them: an update that changes one of 10,000 resources visits that one (and what reads
/// it), not 10,000. Skipping is only ever an optimisation: a resource that is not provably unchanged is converged as
/// before, and the planner decides. A resource is unchanged when all of these hold:
/// <list type="bullet">
/// <item>the rows hold what the previous definition evaluates to: the stack's last operation completed on it, with the
/// same files (template, environments, <c>get_file</c> targets, nested templates): the caller checks this under the
/// stack's lock;</item>
/// <item>every condition has the same value in both definitions (so the same resources are enabled and every <c>if</c>
/// takes the same branch);</item>
/// <item>its definition is the previous one's, the same parsed resource (the template text is the same);</item>
/// <item>it has no <c>update_policy</c> (<c>replace_on_change_of</c> names parameters and resources that its expressions
/// need not read);</item>
/// <item>every parameter it reads has the same value, and no parameter or resource name it reads is computed;</item>
/// <item>it names resources only in its properties and metadata (so they are its dependencies, converged before its turn);</item>
/// <item>its current row completed (a failed or interrupted row is acted on again);</item>
/// <item>and, at its turn, none of the resources it names changed in this operation.</item>
/// </list>
/// </summary>
internal sealed class UnchangedResources
{
    // Each resource known to be unchanged unless one of the resources it names changes: those names.
    private readonly Dictionary<string, ImmutableArray<string>> _candidates;

    private UnchangedResources(Dictionary<string, ImmutableArray<string>> candidates) => _candidates = candidates;

    /// <summary>Nothing is known to be unchanged: every resource is converged.</summary>
    public static UnchangedResources None { get; } = new(new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal));

    /// <param name="target">The definition the operation converges to.</param>
    /// <param name="converged">The definition every current row is known to hold the values of (see the class summary).</param>
    /// <param name="currentRow">The current row of a resource, if any.</param>
    public static UnchangedResources Find(StackDefinition target, StackDefinition converged, Func<string, ResourceRecord?> currentRow)
    {
        if (target.Template.Version != converged.Template.Version || target.Identity != converged.Identity || !SameConditions(target, converged))
        {
            return None;
        }

        var candidates = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var resource in target.EnabledResources)
        {
            if (!ReferenceEquals(converged.Template.FindResource(resource.Name), resource) || resource.UpdatePolicy is not null || !Completed(currentRow(resource.Name)))
            {
                continue;
            }

            // The resources named in properties and metadata are its dependencies (or in a branch not taken, which
            // stays so: conditions are the same); one named elsewhere might converge after it, so it is not skipped.
            var values = ResourceInputs.OfValues(resource);
            var policies = ResourceInputs.OfPolicies(resource);
            if (values.IsComplete && policies.IsComplete && policies.Resources.IsEmpty
                && values.Parameters.All(name => SameParameter(target, converged, name))
                && policies.Parameters.All(name => SameParameter(target, converged, name)))
            {
                candidates[resource.Name] = values.Resources;
            }
        }

        return new UnchangedResources(candidates);
    }

    /// <summary>True when the resource evaluates to what its row holds, given the resources this operation changed so far.</summary>
    public bool IsUnchanged(string name, Func<string, bool> changedSoFar) =>
        _candidates.TryGetValue(name, out var names) && !names.Any(changedSoFar);

    /// <summary>
    /// The resources the operation must visit: every one that may have changed, and every one that names one of those
    /// (transitively). The others are unchanged whatever happens to the visited ones.
    /// </summary>
    public IReadOnlyCollection<string> ToVisit(IReadOnlyCollection<string> resources)
    {
        if (_candidates.Count == 0)
        {
            return resources;
        }

        var readers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (reader, names) in _candidates)
        {
            foreach (var name in names)
            {
                if (!readers.TryGetValue(name, out var list))
                {
                    readers[name] = list = [];
                }

                list.Add(reader);
            }
        }

        var visit = resources.Where(name => !_candidates.ContainsKey(name)).ToHashSet(StringComparer.Ordinal);
        var pending = new Queue<string>(visit);
        while (pending.TryDequeue(out var name))
        {
            foreach (var reader in readers.GetValueOrDefault(name, []))
            {
                if (visit.Add(reader))
                {
                    pending.Enqueue(reader);
                }
            }
        }

        return visit;
    }

    private static bool Completed(ResourceRecord? row) =>
        row is { IsCurrent: true, Status: OperationStatus.Complete, Action: ResourceAction.Create or ResourceAction.Update or ResourceAction.Rollback };

    private static bool SameParameter(StackDefinition target, StackDefinition converged, string name) =>
        target.Parameters.TryGetValue(name, out var now) && converged.Parameters.TryGetValue(name, out var before) && Value.DeepEquals(now, before);

    private static bool SameConditions(StackDefinition target, StackDefinition converged)
    {
        try
        {
            return target.ConditionSet.Names.All(name =>
                    target.IsConditionTrue(target.ConditionSet.Definition(name)) == converged.IsConditionTrue(converged.ConditionSet.Definition(name)))
                && target.EnabledResources.Select(r => r.Name).SequenceEqual(converged.EnabledResources.Select(r => r.Name), StringComparer.Ordinal);
        }
        catch (TemplateException)
        {
            return false;
        }
    }
}
