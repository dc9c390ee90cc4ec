namespace Gyre.Storage.Tracking;

/// <summary>Generates readable run names like MLflow's ("bold-otter-417") from the injected random source.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives =
    [
        "amber", "bold", "brisk", "calm", "clever", "crisp", "eager", "fair", "gentle", "glad",
        "keen", "lively", "lucid", "merry", "nimble", "polite", "quiet", "rapid", "shy", "sleek",
        "steady", "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty", "zesty", "proud",
    ];

    private static readonly string[] Nouns =
    [
        "otter", "heron", "lynx", "finch", "badger", "falcon", "marten", "ibis", "koala", "gecko",
        "crane", "bison", "robin", "panda", "stoat", "wren", "yak", "zebra", "moth", "newt",
        "seal", "hare", "owl", "mole", "fox", "lark", "tern", "vole", "carp", "eel",
    ];

    public static string Next(Random random) =>
        $"{Adjectives[random.Next(Adjectives.Length)]}-{Nouns[random.Next(Nouns.Length)]}-{random.Next(1000)}";
}
