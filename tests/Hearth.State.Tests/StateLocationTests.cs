using System.Collections;

namespace Hearth.State.Tests;

public sealed class StateLocationTests
{
    [Fact]
    public void Resolve_ExplicitDirectory_WinsOverEverything()
    {
        var env = new Hashtable { ["HEARTH_STATE"] = "/env/state", ["XDG_DATA_HOME"] = "/xdg", ["HOME"] = "/home/u" };

        StateLocation.Resolve("/explicit", env).ShouldBe("/explicit");
    }

    [Fact]
    public void Resolve_RelativeExplicitDirectory_ReturnsAbsolutePath()
    {
        StateLocation.Resolve("st", new Hashtable()).ShouldBe(Path.GetFullPath("st"));
    }

    [Fact]
    public void Resolve_HearthStateSet_UsesIt()
    {
        var env = new Hashtable { ["HEARTH_STATE"] = "/env/state", ["XDG_DATA_HOME"] = "/xdg", ["HOME"] = "/home/u" };

        StateLocation.Resolve(null, env).ShouldBe("/env/state");
    }

    [Fact]
    public void Resolve_XdgDataHomeSet_UsesHearthUnderIt()
    {
        var env = new Hashtable { ["HEARTH_STATE"] = "", ["XDG_DATA_HOME"] = "/xdg", ["HOME"] = "/home/u" };

        StateLocation.Resolve("", env).ShouldBe("/xdg/hearth");
    }

    [Fact]
    public void Resolve_XdgDataHomeRelative_IgnoresItAsTheSpecSays()
    {
        var env = new Hashtable { ["XDG_DATA_HOME"] = "relative/data", ["HOME"] = "/home/u" };

        StateLocation.Resolve(null, env).ShouldBe("/home/u/.local/share/hearth");
    }

    [Fact]
    public void Resolve_NothingSet_UsesLocalShareUnderHome()
    {
        StateLocation.Resolve(null, new Hashtable { ["HOME"] = "/home/u" }).ShouldBe("/home/u/.local/share/hearth");
    }
}
