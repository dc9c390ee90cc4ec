namespace Gyre.Tests.Shared;

/// <summary>
/// The object stores the tests run against: an S3 server (s3rver) and an Azure Blob server
/// (Azurite), which <c>.ci/run</c> starts (<c>eval "$(bash .ci/objectstores start)"</c> does the
/// same on a developer machine) and names in <c>$GYRE_TEST_S3</c> and <c>$GYRE_TEST_AZURITE</c>.
/// Each call gives a bucket or container of its own, which Gyre creates. Without the servers a
/// test is skipped with the reason, except under <c>CI=true</c>, where that is a failure.
/// </summary>
public static class TestObjectStores
{
    /// <summary>The settings an S3 client of Gyre's reads from the AWS SDK's standard environment, as a user would set them for s3rver.</summary>
    public static IReadOnlyDictionary<string, string> S3Environment(string endpoint) => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL_S3"] = endpoint,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
    };

    /// <summary>The endpoint of the test S3 server; sets this process's AWS environment to it.</summary>
    public static string RequireS3()
    {
        var endpoint = Require("GYRE_TEST_S3", "an S3 server (s3rver)");
        foreach (var (name, value) in S3Environment(endpoint))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        return endpoint;
    }

    /// <summary>The connection string of the test Azure Blob server; sets this process's AZURE_STORAGE_CONNECTION_STRING to it.</summary>
    public static string RequireAzure()
    {
        var connection = Require("GYRE_TEST_AZURITE", "an Azure Blob server (Azurite)");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", connection);
        return connection;
    }

    /// <summary>An <c>--artifacts</c> URL for a new bucket on the test S3 server, with the settings s3rver needs.</summary>
    public static string NewS3Url(string prefix = "gyre")
    {
        RequireS3();
        return $"s3://{NewName()}/{prefix}?path_style=true&chunk_encoding=false&checksum=when_required";
    }

    /// <summary>An <c>--artifacts</c> URL for a new container on the test Azure Blob server.</summary>
    public static string NewAzureUrl(string prefix = "gyre")
    {
        RequireAzure();
        return $"azblob://{NewName()}/{prefix}";
    }

    /// <summary>A bucket or container name both stores take: lowercase letters, digits and dashes.</summary>
    public static string NewName() => "gyre-test-" + Guid.NewGuid().ToString("N")[..16];

    private static string Require(string variable, string what)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
        {
            return value;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"CI=true but {variable} is not set: .ci/run starts {what} and exports it");
        }
        Skip.If(true, $"no {what} for the tests: run eval \"$(bash .ci/objectstores start)\" to start one (sets {variable})");
        throw new InvalidOperationException("unreachable");
    }
}
