namespace Gyre.Core.Tracking;

/// <summary>A key and a string value; tags overwrite, params are written once.</summary>
public sealed record Tag(string Key, string Value);
