using System.Text.Json.Serialization;
using Gyre.Core.Json;

namespace Gyre.Core.Tracking;

/// <summary>Identifies an experiment. Numeric text, as in MLflow ("0" is the default experiment).</summary>
[JsonConverter(typeof(StringIdJsonConverter<ExperimentId>))]
public readonly record struct ExperimentId(string Value) : IStringId<ExperimentId>
{
    public static ExperimentId Default { get; } = new("0");

    public static ExperimentId From(string value) => new(value);

    public override string ToString() => Value;
}
