using System.Buffers;

namespace Gyre.Core.Tracking;

/// <summary>Checks of user-chosen keys and names; each check returns a message naming the field, or null.</summary>
public static class Names
{
    // MLflow's rule: alphanumerics, underscores, dashes, periods, spaces and slashes.
    private static readonly SearchValues<char> KeyChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. /");

    public static string? CheckKey(string field, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return $"{field}: expected a non-empty key";
        }
        if (key.Length > TrackingLimits.MaxKeyLength)
        {
            return $"{field}: key is {key.Length} characters, at most {TrackingLimits.MaxKeyLength} allowed";
        }
        if (key.AsSpan().IndexOfAnyExcept(KeyChars) >= 0)
        {
            return $"{field}: key '{key}' may hold only letters, digits, '_', '-', '.', ' ' and '/'";
        }
        if (key.StartsWith('/') || key.Split('/').Any(part => part is ".." or "."))
        {
            return $"{field}: key '{key}' must be a relative name without '.' or '..' segments";
        }
        return null;
    }

    public static string? CheckName(string field, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return $"{field}: expected a non-empty name";
        }
        if (name.Length > TrackingLimits.MaxNameLength)
        {
            return $"{field}: name is {name.Length} characters, at most {TrackingLimits.MaxNameLength} allowed";
        }
        if (name.Any(char.IsControl))
        {
            return $"{field}: name must not contain control characters";
        }
        return null;
    }

    public static string? CheckValue(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return $"{field}: expected a string value";
        }
        return value.Length > maxLength
            ? $"{field}: value is {value.Length} characters, at most {maxLength} allowed"
            : null;
    }
}
