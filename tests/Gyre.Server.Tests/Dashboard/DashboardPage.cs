using Microsoft.Playwright;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>A browser tab on a test server that records every console error and uncaught script error.</summary>
internal sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Uri _server;

    private DashboardPage(IBrowserContext context, IPage page, Uri server)
    {
        _context = context;
        Page = page;
        _server = server;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Errors.Add(error);
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public static async Task<DashboardPage> OpenAsync(BrowserFixture browser, Uri server, string path, int width = 1280, int height = 800, string timeZone = "UTC")
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = timeZone,
            Locale = "en-GB",
        });
        var page = new DashboardPage(context, await context.NewPageAsync(), server);
        await page.GoAsync(path);
        return page;
    }

    public async Task<IResponse?> GoAsync(string path) => await Page.GotoAsync(new Uri(_server, path).ToString());

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name + ".png"), FullPage = true });

    /// <summary>No console errors and no script errors so far.</summary>
    public void AssertClean() => Assert.True(Errors.Count == 0, "browser errors: " + string.Join(" | ", Errors));

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        await _context.DisposeAsync();
    }
}
