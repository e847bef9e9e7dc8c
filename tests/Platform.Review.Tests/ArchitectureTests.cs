using NetArchTest.Rules;
using Platform.Review.Domain;

namespace Platform.Review.Tests;

/// <summary>
/// The review service stays one deployable project, so its layers are held by these rules rather than by project
/// references: the domain knows no database and no web, and endpoints run no SQL of their own (stores do).
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] DataAccess = ["Dapper", "Npgsql"];
    private static readonly string[] DataAccessAndWeb = [.. DataAccess, "Microsoft.AspNetCore"];

    [Fact]
    public void Domain_UsesNeitherDapperNorNpgsqlNorAspNetCore()
    {
        var result = Types.InAssembly(typeof(Case).Assembly).That().ResideInNamespace("Platform.Review.Domain")
            .ShouldNot().HaveDependencyOnAny(DataAccessAndWeb).GetResult();
        Assert.NotEmpty(result.SelectedTypesForTesting ?? []);
        Assert.True(result.IsSuccessful, Failing(result));
    }

    [Fact]
    public void Endpoints_RunNoSql()
    {
        var result = Types.InAssembly(typeof(Case).Assembly).That().HaveNameEndingWith("Endpoints")
            .ShouldNot().HaveDependencyOnAny(DataAccess).GetResult();
        Assert.Contains(result.SelectedTypesForTesting ?? [], type => type.Name == "CaseEndpoints");
        Assert.True(result.IsSuccessful, Failing(result));
    }

    /// <summary>The rule can fail: applied to the stores, which do run SQL, it finds them.</summary>
    [Fact]
    public void TheDependencyRule_FindsTheStoresSql()
    {
        var result = Types.InAssembly(typeof(Case).Assembly).That().ResideInNamespace("Platform.Review.Stores")
            .ShouldNot().HaveDependencyOnAny(DataAccess).GetResult();
        Assert.False(result.IsSuccessful);
        Assert.Contains(result.FailingTypes, type => type.Name == "CaseStore");
    }

    private static string Failing(TestResult result) =>
        "Breaking the rule: " + string.Join(", ", (result.FailingTypes ?? []).Select(type => type.FullName));
}
