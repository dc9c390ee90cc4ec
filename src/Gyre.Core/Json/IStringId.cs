namespace Gyre.Core.Json;

/// <summary>A strongly typed identifier that travels as a plain JSON string.</summary>
public interface IStringId<TSelf>
    where TSelf : IStringId<TSelf>
{
    string Value { get; }

    static abstract TSelf From(string value);
}
