using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Storage.Tests.Contract;

/// <summary>What a contract test needs from one backend: its stores, opened and migrated, and the fake clock they use.</summary>
public sealed class StoreUnderTest(GyreStorage storage, FakeTimeProvider time, Func<ValueTask> cleanUp) : IAsyncDisposable
{
    public GyreStorage Storage { get; } = storage;

    public ITrackingStore Tracking => Storage.Tracking;

    public IRegistryStore Registry => Storage.Registry;

    public FakeTimeProvider Time { get; } = time;

    public async ValueTask DisposeAsync()
    {
        Storage.Dispose();
        await cleanUp();
    }
}
