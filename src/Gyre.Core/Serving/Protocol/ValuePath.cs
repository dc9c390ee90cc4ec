using System.Globalization;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Where a value sits in a request — <c>instances[3].x1</c>, <c>instances[0].features[5]</c>,
/// <c>dataframe_split.data[2][4]</c>, <c>inputs[1].data[7]</c> — kept as parts and written out only
/// when an error names it, so that reading a valid request builds no strings for its messages.
/// </summary>
internal readonly record struct ValuePath(string Root, int Row, string? Name = null, int Item = -1)
{
    public override string ToString()
    {
        var text = $"{Root}[{Row.ToString(CultureInfo.InvariantCulture)}]";
        if (Name is not null)
        {
            text += "." + Name;
        }
        return Item >= 0 ? $"{text}[{Item.ToString(CultureInfo.InvariantCulture)}]" : text;
    }
}
