using Microsoft.Playwright;

namespace Hearth.Server.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright, one browser for a test class (each test opens its own context: its own
/// cookies). Never <c>playwright install</c>: the browser is the system's, which <c>.ci/run</c> installs.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser is not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"the dashboard tests need Chromium at {ExecutablePath}: apt-get install -y chromium");
        }

        _playwright = await Playwright.CreateAsync().WaitAsync(TestTimeouts.Default);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        }).WaitAsync(TestTimeouts.Default);
    }

    /// <summary>A new page in a context of its own, signed in to the server at <paramref name="serverUrl"/> through the sign-in form.</summary>
    public async Task<IPage> SignInAsync(string serverUrl, string token)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout((float)TestTimeouts.Default.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await page.GotoAsync(serverUrl + "/dashboard/");
        await page.FillAsync("input[name=token]", token);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#stacks, main p.muted:text('No stacks yet.')");
        return page;
    }

    /// <summary>Saves the page for docs/images when HEARTH_SCREENSHOTS names a folder (how the docs' pictures are made).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("HEARTH_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
