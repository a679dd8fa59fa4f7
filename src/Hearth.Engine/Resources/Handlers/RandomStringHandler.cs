using System.Security.Cryptography;
using Hearth.Engine.ResourceTypes.Schemas;
using Hearth.Templates.Schema;

namespace Hearth.Engine.Resources.Handlers;

/// <summary>
/// OS::Heat::RandomString: a random string from character classes and sequences, each with a minimum count, as
/// Heat's password_gen does. Its reference id is the string itself. Any property change replaces it.
/// </summary>
internal sealed class RandomStringHandler : ResourceHandler
{
    private static readonly Dictionary<string, string> Classes = new(StringComparer.Ordinal)
    {
        ["lettersdigits"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        ["letters"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        ["lowercase"] = "abcdefghijklmnopqrstuvwxyz",
        ["uppercase"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ["digits"] = "0123456789",
        ["hexdigits"] = "0123456789abcdefABCDEF",
        ["octdigits"] = "01234567",
    };

    public override ResourceTypeSchema Schema => UtilitySchemas.RandomString;

    public override bool IsStoreOnly => true;

    public override Task<ResourceResult> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var value = Generate(request.Properties);
        return Task.FromResult(ResourceResult.Of(request.PhysicalName, [new("value", value)], [new("value", value)]));
    }

    public override object? ReferenceId(ResourceState state) =>
        state.PhysicalId is null ? state.Name : state.Data.GetValueOrDefault("value");

    /// <summary>Its reference is the string, not the physical id.</summary>
    public override bool KeepsReferenceOnUpdate => false;

    public override object? GetAttribute(ResourceState state, string name) =>
        name == "value" ? state.Data.GetValueOrDefault("value") : base.GetAttribute(state, name);

    internal static string Generate(IReadOnlyDictionary<string, object?> properties)
    {
        var length = properties.GetValueOrDefault("length") is long l ? (int)l : 32;
        var pools = new List<(string Characters, int Min)>();
        if (properties.GetValueOrDefault("sequence") is string sequence && Classes.TryGetValue(sequence, out var legacy))
        {
            pools.Add((legacy, 1));
        }

        foreach (var entry in List(properties, "character_classes"))
        {
            var name = entry.GetValueOrDefault("class") as string ?? "lettersdigits";
            pools.Add((Classes.GetValueOrDefault(name, Classes["lettersdigits"]), Min(entry)));
        }

        foreach (var entry in List(properties, "character_sequences"))
        {
            if (entry.GetValueOrDefault("sequence") is string { Length: > 0 } characters)
            {
                pools.Add((characters, Min(entry)));
            }
        }

        if (pools.Count == 0)
        {
            pools.Add((Classes["lettersdigits"], 1));
        }

        var minimum = pools.Sum(p => p.Min);
        if (minimum > length)
        {
            throw new ResourceFailedException("Length property cannot be smaller than combined character class and character sequence minimums");
        }

        var result = new List<char>(length);
        foreach (var (characters, min) in pools)
        {
            for (var i = 0; i < min; i++)
            {
                result.Add(characters[RandomNumberGenerator.GetInt32(characters.Length)]);
            }
        }

        var all = string.Concat(pools.Select(p => p.Characters).Distinct());
        while (result.Count < length)
        {
            result.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        }

        // Shuffle so that the minimum characters are not all at the front.
        var array = result.ToArray();
        RandomNumberGenerator.Shuffle(array.AsSpan());
        return new string(array);
    }

    private static IEnumerable<IReadOnlyDictionary<string, object?>> List(IReadOnlyDictionary<string, object?> properties, string key) =>
        properties.GetValueOrDefault(key) is IReadOnlyList<object?> list ? list.OfType<IReadOnlyDictionary<string, object?>>() : [];

    private static int Min(IReadOnlyDictionary<string, object?> entry) => entry.GetValueOrDefault("min") is long m ? (int)m : 1;
}
