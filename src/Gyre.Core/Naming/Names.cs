using System.Buffers;

namespace Gyre.Core.Naming;

/// <summary>Checks of user-chosen keys and names; each check returns a message naming the field, or null.</summary>
public static class Names
{
    /// <summary>The longest key (of a param, metric or tag), as MLflow bounds it.</summary>
    public const int MaxKeyLength = 250;

    /// <summary>The longest name of an experiment, model, dataset or endpoint, as MLflow bounds it.</summary>
    public const int MaxNameLength = 500;

    // MLflow's rule: alphanumerics, underscores, dashes, periods, spaces and slashes.
    private static readonly SearchValues<char> KeyChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. /");

    public static string? CheckKey(string field, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return $"{field}: expected a non-empty key";
        }
        if (key.Length > MaxKeyLength)
        {
            return $"{field}: key is {key.Length} characters, at most {MaxKeyLength} allowed";
        }
        if (key.AsSpan().IndexOfAnyExcept(KeyChars) >= 0)
        {
            return $"{field}: key '{key}' may hold only letters, digits, '_', '-', '.', ' ' and '/'";
        }
        if (key.Split('/').Any(part => part is "" or "." or ".."))
        {
            return $"{field}: key '{key}' must be a relative name without empty, '.' or '..' segments";
        }
        return null;
    }

    public static string? CheckName(string field, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return $"{field}: expected a non-empty name";
        }
        if (name.Length > MaxNameLength)
        {
            return $"{field}: name is {name.Length} characters, at most {MaxNameLength} allowed";
        }
        if (name.Any(char.IsControl))
        {
            return $"{field}: name must not contain control characters";
        }
        return null;
    }

    /// <summary>Adds <paramref name="problem"/> when there is one.</summary>
    public static void AddIf(List<string> problems, string? problem)
    {
        if (problem is not null)
        {
            problems.Add(problem);
        }
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
