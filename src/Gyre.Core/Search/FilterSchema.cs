namespace Gyre.Core.Search;

/// <summary>
/// Which fields a search accepts: the entity prefixes (with MLflow's singular aliases) and the
/// typed attributes, some of which may be written without a prefix.
/// </summary>
public sealed class FilterSchema
{
    private static readonly Dictionary<string, FieldKind> Prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["metrics"] = FieldKind.Metric,
        ["metric"] = FieldKind.Metric,
        ["params"] = FieldKind.Param,
        ["param"] = FieldKind.Param,
        ["parameters"] = FieldKind.Param,
        ["tags"] = FieldKind.Tag,
        ["tag"] = FieldKind.Tag,
        ["attributes"] = FieldKind.Attribute,
        ["attribute"] = FieldKind.Attribute,
        ["attr"] = FieldKind.Attribute,
        ["run"] = FieldKind.Attribute,
    };

    private readonly HashSet<FieldKind> _kinds;
    private readonly Dictionary<string, FilterValueType> _attributes;

    public FilterSchema(IEnumerable<FieldKind> kinds, IReadOnlyDictionary<string, FilterValueType> attributes)
    {
        _kinds = [.. kinds, FieldKind.Attribute];
        _attributes = new Dictionary<string, FilterValueType>(attributes, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Runs: metrics, params, tags and the run's attributes.</summary>
    public static FilterSchema Runs { get; } = new(
        [FieldKind.Metric, FieldKind.Param, FieldKind.Tag],
        new Dictionary<string, FilterValueType>
        {
            ["run_id"] = FilterValueType.String,
            ["run_name"] = FilterValueType.String,
            ["status"] = FilterValueType.String,
            ["artifact_uri"] = FilterValueType.String,
            ["experiment_id"] = FilterValueType.String,
            ["parent_run_id"] = FilterValueType.String,
            ["start_time"] = FilterValueType.Number,
            ["end_time"] = FilterValueType.Number,
            ["created"] = FilterValueType.Number,
        });

    /// <summary>Experiments: name, times and tags.</summary>
    public static FilterSchema Experiments { get; } = new(
        [FieldKind.Tag],
        new Dictionary<string, FilterValueType>
        {
            ["name"] = FilterValueType.String,
            ["experiment_id"] = FilterValueType.String,
            ["creation_time"] = FilterValueType.Number,
            ["last_update_time"] = FilterValueType.Number,
        });

    /// <summary>Registered models: name, times and tags.</summary>
    public static FilterSchema Models { get; } = new(
        [FieldKind.Tag],
        new Dictionary<string, FilterValueType>
        {
            ["name"] = FilterValueType.String,
            ["creation_time"] = FilterValueType.Number,
            ["last_updated_time"] = FilterValueType.Number,
        });

    internal bool TryPrefix(string word, out FieldKind kind) => Prefixes.TryGetValue(word, out kind) && _kinds.Contains(kind);

    internal bool TryAttribute(string name, out FilterValueType type) => _attributes.TryGetValue(name, out type);

    internal string AttributeList => string.Join(", ", _attributes.Keys.Order(StringComparer.Ordinal));

    internal string PrefixList => string.Join(", ", _kinds.Select(k => k.ToString().ToLowerInvariant() + "s.").Order(StringComparer.Ordinal));

    internal static FilterValueType TypeOf(FieldKind kind) => kind == FieldKind.Metric ? FilterValueType.Number : FilterValueType.String;
}
