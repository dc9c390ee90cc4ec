namespace Gyre.Cli.Tests;

/// <summary>One <c>gyre server</c> process shared by the tests of a class.</summary>
public sealed class ServerProcessFixture : IAsyncLifetime
{
    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
