using System.Text.Json.Serialization;

namespace Gyre.Core.Tracking;

/// <summary>Soft deletion: a deleted experiment or run can be restored until it is purged.</summary>
public enum LifecycleStage
{
    [JsonStringEnumMemberName("active")]
    Active,

    [JsonStringEnumMemberName("deleted")]
    Deleted,
}
