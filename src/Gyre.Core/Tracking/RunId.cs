using System.Text.Json.Serialization;
using Gyre.Core.Json;

namespace Gyre.Core.Tracking;

/// <summary>Identifies a run: 32 lower-case hexadecimal characters, as in MLflow.</summary>
[JsonConverter(typeof(StringIdJsonConverter<RunId>))]
public readonly record struct RunId(string Value) : IStringId<RunId>
{
    public static RunId From(string value) => new(value);

    public static RunId New() => new(Guid.NewGuid().ToString("N"));

    public override string ToString() => Value;
}
