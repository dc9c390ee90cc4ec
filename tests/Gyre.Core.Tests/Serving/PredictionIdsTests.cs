using System.Collections.Concurrent;
using System.Globalization;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Tests.Serving;

public sealed class PredictionIdsTests
{
    [Fact]
    public void Ids_AreVersion7Uuids_CarryingTheirMillisecond()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_123_456);
        var id = PredictionIds.New(time);

        Assert.Matches("^[0-9a-f]{32}$", id);
        var guid = Guid.ParseExact(id, "N");
        Assert.Equal(7, guid.Version);
        Assert.Equal(0b1000, guid.Variant & 0b1100); // RFC 9562's variant: the bits 10
        Assert.Equal(1_790_000_123_456, long.Parse(id[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        // Time-ordered: a later millisecond sorts after, whatever the random bits.
        Assert.True(string.CompareOrdinal(id, PredictionIds.New(time.AddMilliseconds(1))) < 0);
    }

    [Theory]
    [InlineData(1_790_000_123_456)]
    [InlineData(0)]
    [InlineData(-86_400_000)] // a test's clock before 1970
    public void TheTimeOfAnId_IsTheTimeItWasMadeAt(long ms)
    {
        Assert.Equal(ms, PredictionIds.TimeOf(PredictionIds.New(DateTimeOffset.FromUnixTimeMilliseconds(ms))));
    }

    [Theory]
    [InlineData("p-1")]
    [InlineData("0194a1b2c3d4e5f60718293a4b5c6d7e")] // its version digit is e, not 7
    [InlineData("0194a1b2c3d47zf60718293a4b5c6d7e")] // not hex
    [InlineData("0194a1b2-c3d4-7f60-8718-293a4b5c6d7e")] // with dashes
    public void AnIdThatIsNotAUuidV7InThisForm_HasNoTime(string id)
    {
        Assert.Null(PredictionIds.TimeOf(id));
    }

    [Fact]
    public void Ids_FromManyThreadsInOneMillisecond_AreAllDistinct()
    {
        // Several refills of each thread's random pool, all in the same millisecond: only the random bits tell them apart.
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
        var ids = new ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                ids.Add(PredictionIds.New(time));
            }
        });
        Assert.Equal(40_000, ids.Distinct().Count());
        // And the random part is not a counter: its bits are spread, about half set.
        var ones = ids.Sum(id => Convert.FromHexString(id)[9..].Sum(b => System.Numerics.BitOperations.PopCount(b)));
        Assert.InRange(ones / (40_000.0 * 7 * 8), 0.49, 0.51);
    }
}
