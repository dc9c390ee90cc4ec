using System.Text.Json.Serialization;

namespace Gyre.Core.Tracking;

/// <summary>The states of a run, spelled as MLflow spells them.</summary>
public enum RunStatus
{
    [JsonStringEnumMemberName("RUNNING")]
    Running,

    [JsonStringEnumMemberName("SCHEDULED")]
    Scheduled,

    [JsonStringEnumMemberName("FINISHED")]
    Finished,

    [JsonStringEnumMemberName("FAILED")]
    Failed,

    [JsonStringEnumMemberName("KILLED")]
    Killed,
}
