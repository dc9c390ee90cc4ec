using System.Text.Json.Serialization;

namespace Gyre.Core.Data;

/// <summary>
/// The inferred type of a column. A string column is categorical when it has few distinct values
/// (see <see cref="ColumnTypes.IsCategorical"/>), free text otherwise.
/// </summary>
public enum ColumnType
{
    [JsonStringEnumMemberName("integer")]
    Integer,

    [JsonStringEnumMemberName("float")]
    Float,

    [JsonStringEnumMemberName("boolean")]
    Boolean,

    [JsonStringEnumMemberName("categorical")]
    Categorical,

    [JsonStringEnumMemberName("text")]
    Text,

    [JsonStringEnumMemberName("datetime")]
    Datetime,
}
