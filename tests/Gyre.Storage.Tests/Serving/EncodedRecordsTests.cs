using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;

namespace Gyre.Storage.Tests.Serving;

public sealed class EncodedRecordsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void Records_DecodeAsTheyWereSent_InOrder_EvenWhenEveryCharacterTakesThreeBytes(int count)
    {
        // U+20AC takes three bytes in UTF-8, the most a character of one UTF-16 unit can: the buffer must hold the worst case.
        string Text(int n, int i) => new('\u20ac', n + i % 5);
        var sent = Enumerable.Range(0, count).Select(i => new PredictionRecord(Text(32, i), Text(5, i), Text(7, i), Text(4, i), i, 1_700_000_000_000 + i, i / 3.0,
            Text(300, i), Text(40, i), i % 2 == 0 ? "" : Text(8, i))).ToList();
        using var encoded = EncodedRecords.Encode(sent);
        var read = new List<PredictionRecord>();
        foreach (var payload in encoded)
        {
            read.Add(PredictionRecordCodec.Read(payload) ?? throw new InvalidOperationException("not a whole record"));
        }
        Assert.Equal(count, encoded.Count);
        Assert.Equal(sent, read);
    }
}
