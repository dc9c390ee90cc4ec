using System.Globalization;
using System.Text;

namespace Gyre.Cli.Demo;

/// <summary>
/// The demo's world: loan applicants and whether they default. Before the drift, default follows
/// the debt ratio against income. At the drift, a recession arrives: incomes fall, the east region
/// grows, and default follows region and age instead. Labels are flipped with 8% noise on both
/// sides, so a model that knows the current rule is right about 92% of the time either way.
/// </summary>
internal sealed class CreditScenario(int seed)
{
    public const string Label = "default";
    private const double Noise = 0.08;
    private static readonly string[] Regions = ["north", "south", "east", "west"];
    private readonly Random _random = new(seed);

    public (Dictionary<string, object?> Row, string Truth) Draw(bool drifted)
    {
        var income = Math.Round(Math.Max(5, drifted ? Normal(38, 10) : Normal(60, 15)), 2);
        var debt = Math.Round(_random.NextDouble(), 3);
        var age = 21 + _random.Next(50);
        var region = drifted
            ? (_random.NextDouble() < 0.55 ? "east" : Regions[_random.Next(4)])
            : Regions[_random.Next(4)];
        var defaults = drifted
            ? (region == "east" && debt > 0.35) || age < 27
            : (3 * debt) - (income / 40) > 0.6;
        if (_random.NextDouble() < Noise)
        {
            defaults = !defaults;
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
