namespace Gyre.Storage.Tests.Contract;

// Every store contract, run against both backends.

public sealed class SqliteTrackingStoreTests : TrackingStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresTrackingStoreTests : TrackingStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqliteTrackingStoreLoggingTests : TrackingStoreLoggingContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresTrackingStoreLoggingTests : TrackingStoreLoggingContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqliteTrackingStoreSearchTests : TrackingStoreSearchContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresTrackingStoreSearchTests : TrackingStoreSearchContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresRegistryStoreTests : RegistryStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqlitePipelineStoreTests : PipelineStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresPipelineStoreTests : PipelineStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqliteOperationsStoreTests : OperationsStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresOperationsStoreTests : OperationsStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqliteBackendDifferencesTests : BackendDifferencesContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresBackendDifferencesTests : BackendDifferencesContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}

public sealed class SqlitePredictionLogTests : PredictionLogContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresPredictionLogTests : PredictionLogContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}
