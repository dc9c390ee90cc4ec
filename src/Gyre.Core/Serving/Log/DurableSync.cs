namespace Gyre.Core.Serving.Log;

/// <summary>
/// One durable group on its way to disk: how long its write and sync took, and how many records it
/// carried. On a virtual disk each sync costs tens of microseconds of CPU however small the group,
/// and a sync that waits behind other writes holds every caller in its group, so operators watch both.
/// </summary>
public readonly record struct DurableSync(TimeSpan Duration, int Records);
