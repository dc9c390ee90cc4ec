namespace Gyre.Server.Tests.Api;

/// <summary>A four-row churn table with every inferred type: categorical, integer, float with a missing value, boolean, datetime.</summary>
internal static class SmallChurn
{
    public const string Csv = """
        customer_id,tenure,monthly_charges,contract,churned,signup
        c1,12,70.5,monthly,true,2024-01-03
        c2,40,,yearly,false,2023-05-10
        c3,3,99.9,monthly,true,2024-06-01
        c4,25,45.25,two_year,false,2022-11-20

        """;
}
