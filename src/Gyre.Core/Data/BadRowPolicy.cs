using System.Text.Json.Serialization;

namespace Gyre.Core.Data;

/// <summary>What to do with malformed CSV rows: refuse the file naming the first bad line, or skip them and count.</summary>
public enum BadRowPolicy
{
    [JsonStringEnumMemberName("fail")]
    Fail,

    [JsonStringEnumMemberName("skip")]
    Skip,
}
