using Hearth.Templates.Environment;

namespace Hearth.Templates.Tests.Environment;

/// <summary><see cref="Glob"/> matches as Python's fnmatchcase, and keeps a bounded number of compiled patterns.</summary>
public sealed class GlobTests
{
    [Theory]
    [InlineData("server_1", "server_*", true)]
    [InlineData("server_1", "server_?", true)]
    [InlineData("server_12", "server_?", false)]
    [InlineData("a", "[!b]", true)]
    [InlineData("b", "[!b]", false)]
    [InlineData("Server_1", "server_*", false)]
    public void IsMatch_Pattern_MatchesAsFnmatchcase(string name, string pattern, bool expected) =>
        Glob.IsMatch(name, pattern).ShouldBe(expected);

    [Fact]
    public void IsMatch_ManyDistinctPatterns_KeepsABoundedNumberAndStillMatches()
    {
        for (var i = 0; i < 1_000; i++)
        {
            Glob.IsMatch($"res_{i}", $"res_{i}*").ShouldBeTrue();
        }

        // 256 at most, give or take what tests running beside this one add between a count and its add.
        Glob.CachedCount.ShouldBeLessThan(300);
        Glob.IsMatch("res_0", "res_0*").ShouldBeTrue();
        Glob.IsMatch("res_1", "res_0*").ShouldBeFalse();
    }
}
