using System.Diagnostics;
using System.Globalization;
using Gyre.Core.Coordination;
using Gyre.Core.Errors;

namespace Gyre.Core.Tests.Coordination;

public sealed class ReplicaOptionsTests
{
    private static readonly ReplicaOptions Me = new();

    private static string Host => Me.Holder.Split(':')[0];

    [Fact]
    public async Task AHolderIsGone_WhenItsProcessOnThisHostNoLongerRuns_OrThisProcessIdCameBackRestarted()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        var live = $"{Host}:{sleeper.Id.ToString(CultureInfo.InvariantCulture)}:00000000";
        Assert.False(Me.IsGoneFromThisHost(live));
        sleeper.Kill();
        await sleeper.WaitForExitAsync();
        Assert.True(Me.IsGoneFromThisHost(live));

        // A container restarted in place: the same process id, another random part...
        var previous = $"{Host}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}:ffffffff";
        Assert.True(Me.IsGoneFromThisHost(previous));
        // ...unless this process runs that replica too (tests run several servers in one process).
        new ReplicaOptions { Holder = previous }.MarkRunning();
        Assert.False(Me.IsGoneFromThisHost(previous));
        Assert.False(Me.IsGoneFromThisHost(Me.Holder));
        // Another host's processes are never judged from here; nor is a holder this Gyre did not name.
        Assert.False(Me.IsGoneFromThisHost($"{Host}-other:{sleeper.Id.ToString(CultureInfo.InvariantCulture)}:00000000"));
        Assert.False(Me.IsGoneFromThisHost("replica-a"));
        Assert.False(Me.IsGoneFromThisHost($"{Host}:-1:00"));
    }

    [Fact]
    public void Roles_AreReadAndWrittenAsTheCommandLineSpellsThem()
    {
        Assert.Equal(ReplicaRoles.Api | ReplicaRoles.Gateway, ReplicaRoleNames.Parse("--roles", " gateway, API "));
        Assert.Equal("api,gateway,worker", ReplicaRoleNames.Format(ReplicaRoles.All));
        Assert.Equal("worker", ReplicaRoleNames.Format(ReplicaRoles.Worker));
        var unknown = Assert.Throws<GyreException>(() => ReplicaRoleNames.Parse("--roles", "api,gatewy"));
        Assert.Equal("--roles: unknown role 'gatewy'; expected a comma-separated list of api, gateway, worker", unknown.Message);
        Assert.Contains("got ' , '", Assert.Throws<GyreException>(() => ReplicaRoleNames.Parse("--roles", " , ")).Message, StringComparison.Ordinal);
        Assert.Equal(["--lease-ttl: expected 2 to 300 seconds, got 1"], new ReplicaOptions { LeaseTtl = TimeSpan.FromSeconds(1) }.Problems());
    }
}
