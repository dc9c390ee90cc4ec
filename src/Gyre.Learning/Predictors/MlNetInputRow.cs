using Gyre.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gyre.Learning.Predictors;

/// <summary>One row of features, set in place before each prediction; the position moves so that no mapper serves a cached value.</summary>
internal sealed class MlNetInputRow(DataViewSchema schema, bool[] text) : DataViewRow
{
    private readonly float[] _numbers = new float[text.Length];
    private readonly ReadOnlyMemory<char>[] _texts = new ReadOnlyMemory<char>[text.Length];
    private long _position = -1;

    public override long Position => _position;

    public override long Batch => 0;

    public override DataViewSchema Schema => schema;

    public void Set(FeatureBatch batch, int row)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var column = batch.Columns[i];
            if (text[i])
            {
                _texts[i] = (column.Texts![row] ?? "").AsMemory();
            }
            else
            {
                _numbers[i] = (float)column.Numbers![row];
            }
        }
        _position++;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var i = column.Index;
        if (text[i])
        {
            ValueGetter<ReadOnlyMemory<char>> getText = (ref ReadOnlyMemory<char> value) => value = _texts[i];
            return (ValueGetter<TValue>)(Delegate)getText;
        }
        ValueGetter<float> getNumber = (ref float value) => value = _numbers[i];
        return (ValueGetter<TValue>)(Delegate)getNumber;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);
}
