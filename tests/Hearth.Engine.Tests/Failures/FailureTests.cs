using System.Collections.Immutable;
using Hearth.Engine.Failures;
using Hearth.Engine.Tests.Operations;
using Hearth.Execution;
using Hearth.State;

namespace Hearth.Engine.Tests.Failures;

/// <summary>A failed action is data (a kind, an exit code, the script's output) in the outcome and in its event, and text only when shown.</summary>
public sealed class FailureTests
{
    private const string Deployment = """
        heat_template_version: 2021-04-16
        parameters:
          secret: {type: string, hidden: true, default: s3cr3t-value}
        resources:
          server: {type: OS::Heat::DeployedServer}
          config:
            type: OS::Heat::SoftwareConfig
            properties:
              group: script
              inputs: [{name: password}]
              config: "#!/bin/sh\nexit 3\n"
          deploy:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {password: {get_param: secret}}
        """;

    [Fact]
    public void FailureKind_Values_AreFrozen()
    {
        var actual = Enum.GetValues<FailureKind>().ToDictionary(v => v.ToString(), v => (int)v);

        actual.ShouldBe(
            new Dictionary<string, int>
            {
                ["ResourceFailed"] = 0,
                ["ScriptFailed"] = 1,
                ["TimedOut"] = 2,
                ["CancelledByUser"] = 3,
                ["DependencyFailed"] = 4,
                ["Unreachable"] = 5,
                ["InvalidInput"] = 6,
                ["Internal"] = 7,
                ["StateStore"] = 8,
            },
            ignoreOrder: true,
            "FailureKind is persisted in failure events: never renumber a member");
    }

    [Fact]
    public async Task CreateAsync_ScriptExitsNonZero_FailureCarriesExitCodeAndOutputTailsInOutcomeAndEvent()
    {
        var transport = new FailingTransport(DeploymentStatus.Failed, exitCode: 3);
        await using var harness = await EngineHarness.CreateAsync(TimeProvider.System, transport);

        var outcome = await harness.CreateAsync("s", Deployment);

        outcome.Succeeded.ShouldBeFalse();
        var failure = outcome.Failures.ShouldHaveSingleItem();
        failure.Kind.ShouldBe(FailureKind.ScriptFailed);
        failure.Resource.ShouldBe("deploy");
        failure.Action.ShouldBe(ResourceAction.Create);
        failure.ExitCode.ShouldBe(3);
        failure.Stdout.ShouldBe("working\n");
        failure.Stderr.ShouldBe("password is ******\nit broke\n");
        failure.ToString().ShouldBe("deploy: Deployment to server failed: Deployment exited with non-zero status code: 3");
        var failed = (await harness.EventsAsync("s")).Single(e => e is { ResourceName: "deploy", Status: OperationStatus.Failed });
        failed.Kind.ShouldBe(EventKind.Failed);
        failed.StatusReason.ShouldBe("Deployment to server failed: Deployment exited with non-zero status code: 3");
        FailureJson.Read(failed).ShouldBe(failure);
        failed.Payload.ShouldNotBeNull().ShouldNotContain("s3cr3t-value");
    }

    [Theory]
    [InlineData(DeploymentStatus.TimedOut, FailureKind.TimedOut)]
    [InlineData(DeploymentStatus.Cancelled, FailureKind.CancelledByUser)]
    public async Task CreateAsync_DeploymentEndsWithoutExit_FailureKindSaysHow(DeploymentStatus status, FailureKind expected)
    {
        await using var harness = await EngineHarness.CreateAsync(TimeProvider.System, new FailingTransport(status, exitCode: null));

        var outcome = await harness.CreateAsync("s", Deployment);

        var failure = outcome.Failures.ShouldHaveSingleItem();
        failure.Kind.ShouldBe(expected);
        failure.ExitCode.ShouldBeNull();
    }

    [Fact]
    public async Task CreateAsync_TestResourceFails_ResourceFailedOfItsCreateAndStatusEventsStayPlain()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.CreateAsync("s", TestTemplates.Chain, "fail=true");

        var failure = outcome.Failures.ShouldHaveSingleItem();
        failure.ShouldBe(new Failure(FailureKind.ResourceFailed, "Test Resource failed other") { Resource = "other", Action = ResourceAction.Create });
        var events = await harness.EventsAsync("s");
        events.Where(e => e.Kind == EventKind.Failed).Select(e => e.ResourceName).ShouldBe(["other"]);
        events.Where(e => e.Status != OperationStatus.Failed).ShouldAllBe(e => e.Kind == EventKind.Status && e.Payload == null);
    }

    [Fact]
    public async Task CreateAsync_PropertyOnlyKnownAtRunTimeIsNotABoolean_InvalidInput()
    {
        await using var harness = await EngineHarness.CreateAsync();

        var outcome = await harness.CreateAsync("s", """
            heat_template_version: 2021-04-16
            resources:
              a:
                type: OS::Heat::TestResource
                properties: {value: not-a-boolean}
              b:
                type: OS::Heat::TestResource
                properties: {fail: {get_attr: [a, output]}}
            """);

        var failure = outcome.Failures.ShouldHaveSingleItem();
        failure.Kind.ShouldBe(FailureKind.InvalidInput);
        failure.Resource.ShouldBe("b");
    }

    [Fact]
    public async Task CreateAsync_NestedStackResourceFails_DependencyFailedWithTheChildsFailureInside()
    {
        await using var harness = await EngineHarness.CreateAsync();
        harness.WriteFile("child.yaml", """
            heat_template_version: 2021-04-16
            resources:
              inner:
                type: OS::Heat::TestResource
                properties: {fail: true}
            """);

        var outcome = await harness.CreateAsync("s", """
            heat_template_version: 2021-04-16
            resources:
              nested: {type: child.yaml}
            """);

        var failure = outcome.Failures.ShouldHaveSingleItem();
        failure.Kind.ShouldBe(FailureKind.DependencyFailed);
        failure.Resource.ShouldBe("nested");
        var inner = failure.Inner.ShouldHaveSingleItem();
        inner.Kind.ShouldBe(FailureKind.ResourceFailed);
        inner.Resource.ShouldBe("inner");
    }

    /// <summary>Every run fails the way it is told, echoing the deployment's password input into stderr as a careless script would.</summary>
    private sealed class FailingTransport(DeploymentStatus status, int? exitCode) : IDeploymentTransport
    {
        public Task<DeploymentResult> DeployAsync(DeploymentRequest request, CancellationToken ct)
        {
            var password = request.Inputs.Single(i => i.Name == "password").Value;
            var reason = exitCode is { } code ? $"Deployment exited with non-zero status code: {code}" : $"Deployment {status}";
            return Task.FromResult(new DeploymentResult(status, exitCode, "working\n", $"password is {password}\nit broke\n", ImmutableDictionary<string, object?>.Empty, reason, TimeSpan.Zero));
        }

        public Task<DeploymentResult?> StopLeftoverAsync(string deploymentId, CancellationToken ct) => Task.FromResult<DeploymentResult?>(null);

        public Task<IReadOnlyList<string>> StopOrphansAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([]);

        public Task RemoveAsync(string deploymentId, CancellationToken ct) => Task.CompletedTask;
    }
}
