using Gyre.Core.Errors;
using Gyre.Core.Search;

namespace Gyre.Core.Tests.Search;

public sealed class FilterParserTests
{
    private static FilterExpression Parse(string text) => FilterParser.Parse(text, FilterSchema.Runs)!;

    private static GyreException Fails(string text) => Assert.Throws<GyreException>(() => FilterParser.Parse(text, FilterSchema.Runs));

    [Fact]
    public void Comparison_OnMetric_ParsesKeyOperatorAndNumber()
    {
        var comparison = Assert.IsType<ComparisonExpression>(Parse("metrics.rmse < 1.5e-1"));
        Assert.Equal(new FieldRef(FieldKind.Metric, "rmse", FilterValueType.Number), comparison.Field);
        Assert.Equal(Comparator.Less, comparison.Comparator);
        Assert.Equal(0.15, comparison.Value);
    }

    [Fact]
    public void And_BindsTighterThanOr()
    {
        var or = Assert.IsType<OrExpression>(Parse("params.a = 'x' OR params.b = 'y' AND metrics.m > 0"));
        Assert.IsType<ComparisonExpression>(or.Left);
        Assert.IsType<AndExpression>(or.Right);
    }

    [Fact]
    public void Parentheses_OverridePrecedence_AndNotNegates()
    {
        var and = Assert.IsType<AndExpression>(Parse("(params.a = 'x' OR params.b = 'y') AND NOT tags.t = 'z'"));
        Assert.IsType<OrExpression>(and.Left);
        var not = Assert.IsType<NotExpression>(and.Right);
        Assert.Equal("z", Assert.IsType<ComparisonExpression>(not.Inner).Value);
    }

    [Theory]
    [InlineData("tags.\"user-name\" = 'x'", "user-name")]
    [InlineData("tags.`my key` = 'x'", "my key")]
    [InlineData("tags.val-loss = 'x'", "val-loss")]
    [InlineData("tag.a/b.c = 'x'", "a/b.c")]
    public void QuotedAndDottedKeys_AreRead(string text, string key) =>
        Assert.Equal(key, Assert.IsType<ComparisonExpression>(Parse(text)).Field.Key);

    [Fact]
    public void StringValues_TakeEitherQuote_AndEscapedQuotes()
    {
        Assert.Equal("it's", Assert.IsType<ComparisonExpression>(Parse("params.p = 'it''s'")).Value);
        Assert.Equal("say \"hi\"", Assert.IsType<ComparisonExpression>(Parse("params.p = \"say \\\"hi\\\"\"")).Value);
    }

    [Fact]
    public void InAndNotIn_ReadAListOfStrings()
    {
        var comparison = Assert.IsType<ComparisonExpression>(Parse("attributes.status NOT IN ('FAILED', 'KILLED')"));
        Assert.Equal(Comparator.NotIn, comparison.Comparator);
        Assert.Equal(["FAILED", "KILLED"], Assert.IsAssignableFrom<IReadOnlyList<string>>(comparison.Value));
    }

    [Fact]
    public void IsNull_AndIsNotNull_AreComparisons()
    {
        Assert.Equal(Comparator.IsNull, Assert.IsType<ComparisonExpression>(Parse("tags.x IS NULL")).Comparator);
        Assert.Equal(Comparator.IsNotNull, Assert.IsType<ComparisonExpression>(Parse("metrics.x is not null")).Comparator);
    }

    [Fact]
    public void BareAttribute_AndRunPrefix_ResolveToAttributes()
    {
        Assert.Equal(new FieldRef(FieldKind.Attribute, "status", FilterValueType.String), Assert.IsType<ComparisonExpression>(Parse("status = 'FINISHED'")).Field);
        Assert.Equal(FilterValueType.Number, Assert.IsType<ComparisonExpression>(Parse("run.start_time >= 10")).Field.Type);
    }

    [Theory]
    [InlineData("metrics.rmse <", 15, "expected a number")]
    [InlineData("metrics.rmse < 'abc'", 16, "expected a number")]
    [InlineData("params.lr > '1'", 11, "compares numbers")]
    [InlineData("metrics.rmse LIKE '1%'", 14, "compares strings")]
    [InlineData("foo.bar = 1", 1, "unknown field prefix 'foo'")]
    [InlineData("attributes.color = 'x'", 1, "unknown attribute 'color'")]
    [InlineData("params.a = 'x' AND", 19, "expected a field")]
    [InlineData("(params.a = 'x'", 16, "expected ')'")]
    [InlineData("params.a = 'x' params.b = 'y'", 16, "expected AND, OR")]
    [InlineData("params.a = 'unterminated", 12, "unterminated")]
    [InlineData("params.a ~ 'x'", 10, "unexpected character '~'")]
    [InlineData("params.a = x", 12, "expected a quoted string")]
    public void InvalidFilter_PointsAtThePositionOfTheError(string text, int position, string message)
    {
        var error = Fails(text);
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Contains($"at position {position}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BlankFilter_MeansEverything() => Assert.Null(FilterParser.Parse("  ", FilterSchema.Runs));

    [Fact]
    public void OrderBy_ReadsFieldsAndDirections()
    {
        var terms = FilterParser.ParseOrderBy(["metrics.rmse DESC", "attributes.start_time", "params.lr asc"], FilterSchema.Runs);
        Assert.Equal([true, false, false], terms.Select(t => t.Descending));
        Assert.Equal(["rmse", "start_time", "lr"], terms.Select(t => t.Field.Key));
    }

    [Fact]
    public void OrderBy_WithGarbage_NamesTheTerm()
    {
        var error = Assert.Throws<GyreException>(() => FilterParser.ParseOrderBy(["metrics.rmse", "metrics.x sideways"], FilterSchema.Runs));
        Assert.StartsWith("order_by[1]: at position 11:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExperimentSchema_RejectsMetrics()
    {
        var error = Assert.Throws<GyreException>(() => FilterParser.Parse("metrics.a > 1", FilterSchema.Experiments));
        Assert.Contains("unknown field prefix 'metrics'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNesting_IsRefused_BeforeItCanExhaustTheStack()
    {
        var deep = string.Concat(Enumerable.Repeat("NOT (", 1_000)) + "params.a = 'x'" + new string(')', 1_000);
        Assert.Contains("nest deeper than 32 levels", Fails(deep).Message, StringComparison.Ordinal);
        var wide = string.Join(" OR ", Enumerable.Repeat("params.a = 'x'", 201));
        Assert.Contains("too many comparisons", Fails(wide).Message, StringComparison.Ordinal);
        Assert.Contains("at most 10000", Fails(new string(' ', 10_001) + "params.a = 'x'").Message, StringComparison.Ordinal);
    }
}
