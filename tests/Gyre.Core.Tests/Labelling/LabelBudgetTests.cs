using Gyre.Core.Labelling;

namespace Gyre.Core.Tests.Labelling;

/// <summary>How many items a queue's window may add: a rate per time spread over windows, or a share of the window's predictions.</summary>
public sealed class LabelBudgetTests
{
    private static LabelQueueDefinition Queue(string rate, long windowSeconds) =>
        new("q", "churn", LabelStrategies.Random, rate, windowSeconds, 0, LabelPreferences.Application, null, ["left", "stayed"], 0, 1, 0, 0);

    [Fact]
    public void ARatePerTime_CarriesItsFractionsFromWindowToWindow()
    {
        // 50/hour over windows of a minute: 5/6 of an item a window, 50 over 60 windows.
        var queue = Queue("50/hour", 60);
        var budgets = Enumerable.Range(0, 60).Select(k => queue.Budget(k)).ToList();
        Assert.Equal(50, budgets.Sum());
        Assert.All(budgets, b => Assert.InRange(b, 0, 1));
        Assert.Equal(budgets, Enumerable.Range(0, 60).Select(k => queue.Budget(k, 1_000, new Random(k))));
    }

    [Fact]
    public void AShare_IsItsFractionOfTheWindowsPredictions_ItsPartOfAnItemAddedWithThatChance()
    {
        var queue = Queue("2.5%", 60);
        Assert.Equal(LabelQueueDefinition.MaxPerWindow, queue.Budget(0));
        Assert.Equal(25, queue.Budget(0, 1_000, new Random(1)));
        var random = new Random(7);
        var budgets = Enumerable.Range(0, 20_000).Select(k => queue.Budget(k, 100, random)).ToList();
        Assert.All(budgets, b => Assert.InRange(b, 2, 3));
        // 2.5 on average: the share of windows given a third item is a half, within four standard errors.
        Assert.InRange(budgets.Average(), 2.5 - (4 * Math.Sqrt(0.25 / 20_000)), 2.5 + (4 * Math.Sqrt(0.25 / 20_000)));
        Assert.Equal(LabelQueueDefinition.MaxPerWindow, Queue("100%", 60).Budget(0, 50_000, random));
        Assert.Equal(0, queue.Budget(0, 0, random));
    }

    [Theory]
    [InlineData("0%")]
    [InlineData("100.5%")]
    [InlineData("-3%")]
    [InlineData("a lot%")]
    public void AShareOutsideItsRange_IsRefusedNamingTheRate(string rate) =>
        Assert.StartsWith("rate: expected a share of the predictions more than 0% and at most 100%", Assert.Throws<Errors.GyreException>(() => LabelRate.Check(rate)).Message, StringComparison.Ordinal);
}
