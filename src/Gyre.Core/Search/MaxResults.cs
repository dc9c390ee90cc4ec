using Gyre.Core.Errors;

namespace Gyre.Core.Search;

/// <summary>Checks a page size.</summary>
public static class MaxResults
{
    public static int Check(int value, int limit, string field = "max_results")
    {
        if (value < 1 || value > limit)
        {
            throw GyreException.Invalid($"{field}: expected a number from 1 to {limit}, got {value}");
        }
        return value;
    }
}
