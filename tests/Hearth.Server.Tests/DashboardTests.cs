using System.Collections.Concurrent;
using System.Net;
using Microsoft.Playwright;

namespace Hearth.Server.Tests;

/// <summary>The dashboard in a real browser (Debian's Chromium through Playwright), against the real <c>hearth server</c>.</summary>
public sealed class DashboardTests(Chromium chromium) : IClassFixture<Chromium>
{
    private const string Secret = "s3cr3t-value-of-the-dashboard-test";

    private const string WithHidden = """
        heat_template_version: 2018-08-31
        parameters:
          password: {type: string, hidden: true}
        resources:
          first:
            type: OS::Heat::TestResource
            properties: {value: {get_param: password}}
          second:
            type: OS::Heat::TestResource
            depends_on: first
            properties: {value: {get_attr: [first, output]}}
        outputs:
          password_out:
            value: {get_param: password}
          plain:
            value: visible
        """;

    [Fact]
    public async Task StackPage_HookClearedFromThePage_NodeTurnsCompleteWithoutReload()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "operator");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        (await api.CreateStackAsync("demo", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);
        await Poll.UntilAsync(async () => (await api.GetAsync("/stacks/demo/hooks")).Body.Contains("pre-create", StringComparison.Ordinal), "after pauses at its hook");
        var page = await chromium.SignInAsync(server.Url, token);
        (await page.TextContentAsync("#stacks tr[data-stack=demo]") ?? "").ShouldContain("CREATE_IN_PROGRESS");

        await page.ClickAsync("a[href='#/stack/demo']");
        await page.WaitForSelectorAsync("#attention li.hook[data-hook=after]");
        // A mark on the window: a reload would lose it.
        await page.EvaluateAsync("window.notReloaded = true");
        (await page.GetAttributeAsync("#graph g[data-node=greeting]", "data-status")).ShouldBe("CREATE_COMPLETE");
        (await page.GetAttributeAsync("#graph g[data-node=after]", "data-status")).ShouldNotBe("CREATE_COMPLETE");
        (await page.GetAttributeAsync("#graph g[data-node=after]", "class") ?? "").ShouldContain("hook");
        await Chromium.ScreenshotAsync(page, "dashboard-hook");
        await page.ClickAsync("#attention li.hook[data-hook=after] button");

        await page.WaitForSelectorAsync("#graph g[data-node=after][data-status=CREATE_COMPLETE]");
        await page.WaitForSelectorAsync("#attention li.hook", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        (await page.EvaluateAsync<bool>("window.notReloaded === true")).ShouldBeTrue();
        (await page.TextContentAsync("#tail") ?? "").ShouldContain("Hook pre-create is cleared");
        await Poll.UntilAsync(async () => await api.StatusAsync("demo") == "CREATE_COMPLETE", "demo is created");
        await page.WaitForSelectorAsync("#resources tr[data-resource=after] td.status:text('CREATE_COMPLETE')");
        await Chromium.ScreenshotAsync(page, "dashboard-stack");
    }

    [Fact]
    public async Task Dashboard_HiddenParameter_NeverInDomOrAnyResponse()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "operator");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        var created = await api.PostAsync("/stacks", new Dictionary<string, object?>
        {
            ["stack_name"] = "secrets",
            ["template"] = WithHidden,
            ["parameters"] = new Dictionary<string, string> { ["password"] = Secret },
        });
        created.Status.ShouldBe(HttpStatusCode.Created, created.ToString());
        await Poll.UntilAsync(async () => await api.StatusAsync("secrets") == "CREATE_COMPLETE", "secrets is created");
        var page = await chromium.SignInAsync(server.Url, token);
        var bodies = new ConcurrentBag<(string Url, string Body)>();
        var streams = new ConcurrentBag<string>();
        var reads = new ConcurrentBag<Task>();
        page.Response += (_, response) => reads.Add(RecordAsync(response, bodies));
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/events/stream", StringComparison.Ordinal))
            {
                streams.Add(request.Url);
            }
        };

        await page.GotoAsync(server.Url + "/dashboard/#/stack/secrets");
        await page.WaitForSelectorAsync("#outputs tr");
        await page.WaitForSelectorAsync("#graph g[data-node=second][data-status=CREATE_COMPLETE]");
        await page.WaitForSelectorAsync("#tail div");
        await Task.WhenAll(reads).WaitAsync(TestTimeouts.Default);

        var dom = await page.ContentAsync();
        dom.ShouldNotContain(Secret);
        var outputs = await page.TextContentAsync("#outputs") ?? "";
        outputs.ShouldContain("visible");
        (await page.TextContentAsync("#outputs tr:has-text('password_out') td:nth-child(2)") ?? "").Trim().ShouldBe("******");
        bodies.Select(b => b.Url).ShouldContain(u => u.EndsWith("/outputs/password_out", StringComparison.Ordinal));
        bodies.Select(b => b.Url).ShouldContain(u => u.EndsWith("/resources", StringComparison.Ordinal));
        foreach (var (url, body) in bodies)
        {
            body.ShouldNotContain(Secret, customMessage: url);
        }

        // The event streams stay open, so their bodies never end in the browser: read the same streams from the start.
        streams.ShouldNotBeEmpty();
        foreach (var url in streams.Distinct())
        {
            using var stream = await EventStreamReader.OpenAsync(url.Split('?')[0], token);
            var replay = await stream.ReadUntilAsync(m => m.Field("resource_name") == "secrets" && m.Field("resource_status") == "CREATE_COMPLETE");
            replay.ShouldAllBe(m => !m.Data.GetRawText().Contains(Secret, StringComparison.Ordinal), url);
        }
    }

    [Fact]
    public async Task StackPage_TwoThousandResources_DrawsEveryNodeByLayer()
    {
        using var folder = new TempDirectory();
        var state = Path.Combine(folder.Path, "state");
        var token = await ServerProcess.CreateTokenAsync(state, "operator");
        using var server = await ServerProcess.StartAsync(state);
        using var api = new HeatApiClient(server.Endpoint, token);
        (await api.CreateStackAsync("large", Layered(layers: 10, width: 200))).Status.ShouldBe(HttpStatusCode.Created);
        (await api.CreateStackAsync("small", Templates.Greeting, Templates.Hooks)).Status.ShouldBe(HttpStatusCode.Created);
        await Poll.UntilAsync(async () => await api.StatusAsync("large") == "CREATE_COMPLETE", "large is created");
        var page = await chromium.SignInAsync(server.Url, token);
        // Running stacks before finished ones.
        (await page.Locator("#stacks tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.stack)")).ShouldBe(["small", "large"]);
        await Chromium.ScreenshotAsync(page, "dashboard-stacks");

        await page.ClickAsync("a[href='#/stack/large']");
        await page.WaitForSelectorAsync("#graph g[data-node=r9_199][data-status=CREATE_COMPLETE]");

        (await page.Locator("#graph g[data-node]").CountAsync()).ShouldBe(2000);
        (await page.Locator("#resources tbody tr").CountAsync()).ShouldBe(2000);
        // Layer by layer down the page: the last layer's first node sits below the first layer's last.
        var top = await page.Locator("#graph g[data-node=r0_199] rect").GetAttributeAsync("y");
        var bottom = await page.Locator("#graph g[data-node=r9_0] rect").GetAttributeAsync("y");
        double.Parse(bottom ?? "0", System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(double.Parse(top ?? "0", System.Globalization.CultureInfo.InvariantCulture));
        await Chromium.ScreenshotAsync(page, "dashboard-large");
    }

    /// <summary><paramref name="layers"/> rows of <paramref name="width"/> resources, each depending on the one above it.</summary>
    private static string Layered(int layers, int width)
    {
        var template = new System.Text.StringBuilder("heat_template_version: 2018-08-31\nresources:\n");
        for (var layer = 0; layer < layers; layer++)
        {
            for (var i = 0; i < width; i++)
            {
                template.Append(layer == 0
                    ? $"  r{layer}_{i}: {{type: OS::Heat::TestResource, properties: {{value: v}}}}\n"
                    : $"  r{layer}_{i}: {{type: OS::Heat::TestResource, depends_on: r{layer - 1}_{i}, properties: {{value: v}}}}\n");
            }
        }

        return template.ToString();
    }

    private static async Task RecordAsync(IResponse response, ConcurrentBag<(string, string)> bodies)
    {
        // An event stream's body never ends while the page is open (it is read apart); a redirect's the browser drops.
        if (response.Url.Contains("/events/stream", StringComparison.Ordinal) || response.Status is >= 300 and < 400)
        {
            return;
        }

        bodies.Add((response.Url, await response.TextAsync()));
    }
}
