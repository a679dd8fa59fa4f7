using Hearth.Templates.Diagnostics;
using Hearth.Templates.Schema.DockerCmd;

namespace Hearth.Templates.Tests.Schema;

public class DockerCmdConfigTests
{
    [Theory]
    [InlineData("just some text")]
    [InlineData("\"web: {image: busybox}\"")]
    [InlineData("'a: b'")]
    public void Read_DocumentThatIsOneString_IsNotAMapOfContainers(string text)
    {
        // A document whose value is a string was parsed again as a config, for ever (the process died of a stack overflow).
        var reading = DockerCmdConfig.Read(text);

        reading.Containers.ShouldBeEmpty();
        reading.Problems.ShouldHaveSingleItem().Code.ShouldBe(DiagnosticCodes.DockerCmdInvalid);
        reading.Problems[0].Message.ShouldBe("a docker-cmd config is a map of container name to settings, not a string");
    }

    [Fact]
    public void Read_ValueThatIsText_IsParsedAsTheConfig()
    {
        var reading = DockerCmdConfig.Read((object)"web:\n  image: localhost/web:1\n");

        reading.Problems.ShouldBeEmpty();
        reading.Containers.ShouldHaveSingleItem().Name.ShouldBe("web");
    }
}
