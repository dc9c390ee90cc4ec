using System.Text.Json.Serialization;

namespace Gyre.Core.Registry;

/// <summary>MLflow's registration states of a model version.</summary>
public enum ModelVersionStatus
{
    [JsonStringEnumMemberName("PENDING_REGISTRATION")]
    PendingRegistration,

    [JsonStringEnumMemberName("READY")]
    Ready,

    [JsonStringEnumMemberName("FAILED_REGISTRATION")]
    FailedRegistration,
}
