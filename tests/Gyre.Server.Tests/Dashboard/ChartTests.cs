using Gyre.Server.Dashboard;
using Gyre.Server.Dashboard.Charts;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>The server-drawn charts on values that people log: huge, equal, past the year 9999.</summary>
public sealed class ChartTests
{
    [Fact]
    public void Ticks_AtMagnitudesWhereTheStepVanishes_End()
    {
        var ticks = Svg.Ticks(1e17, 1e17 + 16);
        Assert.InRange(ticks.Count, 1, 51);
        Assert.Equal([0, 0.5, 1], Svg.Ticks(0, 1, 2));
    }

    [Fact]
    public void LineChart_OfEqualHugeValues_DrawsNoNaN()
    {
        var chart = LineChart.Render("x", [new Series("s", [(0, 9.1e15), (1, 9.1e15)])], timeAxis: false).Value;
        Assert.DoesNotContain("NaN", chart, StringComparison.Ordinal);
        Assert.Contains("<polyline", chart, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_PastWhatADateHolds_AreClamped_NotThrown()
    {
        Assert.Equal("9999-12-31 23:59:59 UTC", Fmt.Utc(long.MaxValue));
        Assert.Equal("2026-11-28 00:00:00 UTC", Fmt.Utc(1_795_824_000_000));
    }

    [Theory]
    [InlineData("/experiments?x=1", "/experiments?x=1")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("/\t/evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData(null, "/")]
    public void SignIn_ReturnsOnlyToAPathOnThisServer(string? next, string expected) => Assert.Equal(expected, DashboardCookie.SafeReturn(next));
}
