namespace Gyre.Core.Errors;

/// <summary>
/// What a storage failure may tell a caller: whether the disk is full, or only that an I/O error
/// happened. The exception itself (with the paths of the server's files) goes to the server's log,
/// never into an answer.
/// </summary>
public static class IoErrors
{
    // ENOSPC and EDQUOT on Linux (.NET puts the errno in HResult); ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    private static readonly int[] DiskFullCodes = [28, 122, unchecked((int)0x80070070), unchecked((int)0x80070027)];

    public static bool IsDiskFull(Exception e) => e is IOException io && DiskFullCodes.Contains(io.HResult);

    /// <summary>"the disk is full" or "an I/O error": enough for the caller to know whether to wait for space.</summary>
    public static string Describe(Exception e) => IsDiskFull(e) ? "the disk is full" : "an I/O error";

    /// <summary>The 503 for a write that failed on storage, carrying the exception for the log.</summary>
    public static GyreException Unavailable(string what, Exception e) =>
        new(ErrorCode.Unavailable, $"{what} failed: {Describe(e)} on the server; retry later", inner: e);
}
