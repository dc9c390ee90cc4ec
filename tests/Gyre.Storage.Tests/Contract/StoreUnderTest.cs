using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Storage.Tests.Contract;

/// <summary>What a contract test needs from one store implementation: the stores and the fake clock they use.</summary>
public sealed class StoreUnderTest(ITrackingStore tracking, IRegistryStore registry, FakeTimeProvider time, IAsyncDisposable owner) : IAsyncDisposable
{
    public ITrackingStore Tracking { get; } = tracking;

    public IRegistryStore Registry { get; } = registry;

    public FakeTimeProvider Time { get; } = time;

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}
