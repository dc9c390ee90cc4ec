using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>A fresh server: every page says what to do next instead of showing empty tables.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardEmptyTests(BrowserFixture browser, ServerFixture empty) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/", "gyre demo")]
    [InlineData("/models", "gyre train --dataset NAME")]
    [InlineData("/datasets", "gyre data add FILE --name NAME")]
    [InlineData("/pipelines", "gyre pipelines run")]
    [InlineData("/endpoints", "gyre endpoints create NAME --model MODEL@ALIAS")]
    [InlineData("/monitoring", "gyre monitor set ENDPOINT")]
    public async Task EmptyPage_SaysWhatToDoNext(string path, string hint)
    {
        await using var tab = await DashboardPage.OpenAsync(browser, empty.Server.Address, path);
        await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync(hint);
        tab.AssertClean();
    }
}
