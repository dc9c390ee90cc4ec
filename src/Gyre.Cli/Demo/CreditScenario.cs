using System.Globalization;
using System.Text;

namespace Gyre.Cli.Demo;

/// <summary>
/// The demo's world: loan applicants and whether they default. Before the drift, the chance of
/// default rises smoothly with the debt ratio against income: a model that knows the rule is right
/// about 92% of the time, and unsure near its boundary. At the drift, a recession arrives: incomes
/// fall, most applicants borrow as much as the old rule would still allow (their debt ratio crowds
/// its boundary, where the old model is unsure: its accuracy estimated without labels falls before
/// any label arrives), the east region grows, and default follows region and age instead, with 8%
/// of labels flipped, so a model that knows the new rule is right about 92% of the time too.
/// </summary>
internal sealed class CreditScenario(int seed)
{
    public const string Label = "default";
    private const double Noise = 0.08;

    /// <summary>How sharply the chance of default rises across the old rule's boundary (logits per unit of 3·debt − income/40).</summary>
    private const double Steepness = 6;

    /// <summary>The share of applicants after the drift whose debt ratio sits near the old rule's boundary.</summary>
    private const double Stretched = 0.7;
    private static readonly string[] Regions = ["north", "south", "east", "west"];
    private readonly Random _random = new(seed);

    public (Dictionary<string, object?> Row, string Truth) Draw(bool drifted)
    {
        var income = Math.Round(Math.Max(5, drifted ? Normal(45, 12) : Normal(60, 15)), 2);
        // The old rule's boundary: 3·debt − income/40 = 0.6.
        var stretched = drifted && _random.NextDouble() < Stretched;
        var debt = Math.Round(stretched ? Math.Clamp(((0.6 + (income / 40)) / 3) + Normal(0, 0.04), 0, 1) : _random.NextDouble(), 3);
        var age = 21 + _random.Next(50);
        var region = drifted
            ? (_random.NextDouble() < 0.55 ? "east" : Regions[_random.Next(4)])
            : Regions[_random.Next(4)];
        bool defaults;
        if (drifted)
        {
            defaults = (region == "east" && debt > 0.35) || age < 27;
            defaults ^= _random.NextDouble() < Noise;
        }
        else
        {
            defaults = _random.NextDouble() < 1 / (1 + Math.Exp(-Steepness * ((3 * debt) - (income / 40) - 0.6)));
        }
        // Words, not yes/no: a CSV reader would take yes/no for booleans.
        return (new Dictionary<string, object?> { ["income"] = income, ["debt_ratio"] = debt, ["age"] = age, ["region"] = region }, defaults ? "defaulted" : "repaid");
    }

    public string Csv(int rows, bool drifted)
    {
        var csv = new StringBuilder("income,debt_ratio,age,region,default\n");
        for (var i = 0; i < rows; i++)
        {
            var (row, truth) = Draw(drifted);
            csv.Append(CultureInfo.InvariantCulture, $"{row["income"]},{row["debt_ratio"]},{row["age"]},{row["region"]},{truth}\n");
        }
        return csv.ToString();
    }

    private double Normal(double mean, double sd) =>
        mean + (sd * Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));
}
