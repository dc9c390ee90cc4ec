using System.Text.Json.Serialization;

namespace Gyre.Core.Tracking;

/// <summary>Which lifecycle stages a listing includes.</summary>
public enum ViewType
{
    [JsonStringEnumMemberName("active_only")]
    ActiveOnly,

    [JsonStringEnumMemberName("deleted_only")]
    DeletedOnly,

    [JsonStringEnumMemberName("all")]
    All,
}
