using System.Text.Json.Serialization;

namespace Gyre.Core.Data.Schemas;

/// <summary>
/// What a column is for in training: a feature unless a schema says otherwise. A <c>sensitive</c>
/// column (gender, age band…) is what bias metrics compare groups by; it is not trained on.
/// </summary>
public enum ColumnRole
{
    [JsonStringEnumMemberName("feature")]
    Feature,

    [JsonStringEnumMemberName("label")]
    Label,

    [JsonStringEnumMemberName("id")]
    Id,

    [JsonStringEnumMemberName("timestamp")]
    Timestamp,

    [JsonStringEnumMemberName("ignore")]
    Ignore,

    [JsonStringEnumMemberName("sensitive")]
    Sensitive,
}
