using Gyre.Core.Data.Bias;
using Gyre.Core.Errors;

namespace Gyre.Core.Tests.Data;

/// <summary>Clarify's bias metrics on a worked example small enough to compute by hand.</summary>
public sealed class BiasMetricsTests
{
    /// <summary>
    /// Facet d (sex = f), 5 rows as (label, predicted): (1,1) (1,0) (0,1) (0,0) (0,0): n_d = 5,
    /// n_d⁽¹⁾ = 2, n̂_d⁽¹⁾ = 2, TP 1, FP 1, FN 1, TN 2. Facet a (sex = m), 6 rows: (1,1) ×3 (1,0) (0,1)
    /// (0,0): n_a = 6, n_a⁽¹⁾ = 4, n̂_a⁽¹⁾ = 4, TP 3, FP 1, FN 1, TN 1.
    /// </summary>
    private static readonly (string Sex, string Label, string Predicted)[] Rows =
    [
        ("f", "1", "1"), ("f", "1", "0"), ("f", "0", "1"), ("f", "0", "0"), ("f", "0", "0"),
        ("m", "1", "1"), ("m", "1", "1"), ("m", "1", "1"), ("m", "1", "0"), ("m", "0", "1"), ("m", "0", "0"),
    ];

    private static BiasReport Report(BiasRequest? request = null) => BiasAnalysis.Analyse("loans@1", "sex", "approved", request ?? new BiasRequest(),
        [.. Rows.GroupBy(r => r).Select(g => new BiasAnalysis.Group(g.Key.Sex, g.Key.Label, g.Key.Predicted, g.Count()))]);

    [Fact]
    public void WorkedExample_GivesClarifysFiguresComputedByHand()
    {
        var report = Report();
        Assert.Equal(("1", 11L, 0L), (report.Favourable, report.Rows, report.ExcludedRows));
        Assert.Equal(["m", "f"], report.Facets.Select(f => f.Facet)); // the larger group first
        var f = report.Facets.Single(x => x.Facet == "f");
        Assert.Equal((5L, 6L), (f.Rows, f.OtherRows));
        var pre = f.Pretraining;
        Assert.Equal(1.0 / 11, pre.Ci, 12);                                   // (6 − 5) / 11
        Assert.Equal((4.0 / 6) - (2.0 / 5), pre.Dpl, 12);                     // 0.6667 − 0.4
        Assert.Equal((2.0 / 3 * Math.Log(2.0 / 3 / 0.4)) + (1.0 / 3 * Math.Log(1.0 / 3 / 0.6)), pre.Kl!.Value, 12);
        var (m1, m0) = (((2.0 / 3) + 0.4) / 2, ((1.0 / 3) + 0.6) / 2);
        var js = 0.5 * ((2.0 / 3 * Math.Log(2.0 / 3 / m1)) + (1.0 / 3 * Math.Log(1.0 / 3 / m0)) + (0.4 * Math.Log(0.4 / m1)) + (0.6 * Math.Log(0.6 / m0)));
        Assert.Equal(js, pre.Js, 12);
        Assert.Equal((2.0 / 3) - 0.4, pre.Ks, 12);
        Assert.Equal(0.1446, pre.Kl!.Value, 4);

        var post = f.Posttraining!;
        Assert.Equal((4.0 / 6) - (2.0 / 5), post.Dppl, 12);                   // predicted favourable 4/6 against 2/5
        Assert.Equal(0.4 / (4.0 / 6), post.Di!.Value, 12);                    // 0.6: fails the four-fifths rule
        Assert.Equal((4.0 / 4) - (2.0 / 2), post.Dcacc!.Value, 12);           // observed over predicted favourable
        Assert.Equal((3.0 / 4) - (1.0 / 2), post.Rd!.Value, 12);              // recall 3/4 against 1/2
        Assert.Equal((4.0 / 6) - (3.0 / 5), post.Ad, 12);                     // accuracy 4/6 against 3/5
        Assert.Equal((1.0 / 1) - (1.0 / 1), post.Te!.Value, 12);              // FN/FP of d minus of a
        Assert.Equal((0.4, 4.0 / 6), (f.PredictedPositiveShare!.Value, f.OtherPredictedPositiveShare!.Value));

        // The other group mirrors it: the differences change sign, DI inverts.
        var m = report.Facets.Single(x => x.Facet == "m");
        Assert.Equal(-pre.Dpl, m.Pretraining.Dpl, 12);
        Assert.Equal(1 / post.Di.Value, m.Posttraining!.Di!.Value, 12);
    }

    [Fact]
    public void UndefinedMetrics_AreNull_AndBadRequestsNameTheirFields()
    {
        // Nobody outside group "x" is predicted favourable: DI of x is undefined; a label "x" never has makes KL infinite.
        var lopsided = BiasAnalysis.Analyse("d@1", "g", "y", new BiasRequest(Favourable: "yes"),
            [new("x", "yes", "yes", 3), new("z", "no", "no", 2), new("z", "maybe", "no", 1), new(null, "yes", "yes", 4)]);
        var x = lopsided.Facets.Single(f => f.Facet == "x");
        Assert.Null(x.Posttraining!.Di);
        Assert.Null(x.Pretraining.Kl);
        Assert.Equal(4, lopsided.ExcludedRows);

        var one = Assert.Throws<GyreException>(() => BiasAnalysis.Analyse("d@1", "g", "y", new BiasRequest(), [new("x", "1", null, 3), new("x", "0", null, 3)]));
        Assert.Contains("sensitive: 'g' has one value ('x') in d@1; bias compares groups, so it needs at least two", one.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<GyreException>(() => Report(new BiasRequest(Favourable: "2", Facet: "q")));
        Assert.Contains("facet: 'q' is not a value of 'sex' in loans@1 (its values: m, f)", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("favourable: '2' is not a value of 'approved' in loans@1 (its values: 0, 1)", unknown.Message, StringComparison.Ordinal);
        var threeLabels = Assert.Throws<GyreException>(() => BiasAnalysis.Analyse("d@1", "g", "y", new BiasRequest(), [new("a", "lo", null, 1), new("b", "mid", null, 1), new("a", "hi", null, 1)]));
        Assert.Contains("favourable: name the favourable value of 'y' (its values: hi, lo, mid)", threeLabels.Message, StringComparison.Ordinal);
        var gate = Assert.Throws<GyreException>(() => BiasAnalysis.Analyse("t@1", "sex", "approved", new BiasRequest(Favourable: "2"),
            [new("f", "1", "1", 1), new("m", "0", "0", 1)], fields: BiasFields.Gate));
        Assert.Contains("bias.favourable: '2' is not a value of 'approved' in t@1", gate.Message, StringComparison.Ordinal);
    }
}
