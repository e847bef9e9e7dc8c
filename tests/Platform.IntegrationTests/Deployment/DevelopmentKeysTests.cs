using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Allocations;
using Platform.Audit;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;
using Platform.ServiceDefaults.Auth;

namespace Platform.IntegrationTests.Deployment;

/// <summary>
/// The keys published in the repository open every door; outside Development a service holding one refuses to start,
/// under any key id, whatever else its configuration says. The in-process hosts run in the "Testing" environment.
/// </summary>
public sealed class DevelopmentKeysTests
{
    [Fact]
    public async Task Declarations_WithThePublishedTokenSigningKey_RefusesToStart()
    {
        var failure = await StartFailureAsync<DeclarationsService>("declarations_devkeys",
            new() { ["Auth:SigningKey"] = DevelopmentKeys.TokenSigningKey });

        Assert.Contains("Auth:SigningKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_SigningWithThePublishedDecisionKeyUnderAnotherId_RefusesToStart()
    {
        var failure = await StartFailureAsync<ReviewService>("review_devkeys", new()
        {
            ["Signing:ActiveKeyId"] = "production-2027",
            ["Signing:Keys:production-2027"] = PublishedReviewPrivateKey(),
        });

        Assert.Contains("Signing:Keys:production-2027", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allocations_TrustingThePublishedDecisionKey_RefusesToStart()
    {
        var failure = await StartFailureAsync<AllocationsService>("allocations_devkeys",
            new() { [$"DecisionKeys:{DevelopmentKeys.DecisionKeyId}"] = DevelopmentKeys.DecisionPublicKey });

        Assert.Contains($"DecisionKeys:{DevelopmentKeys.DecisionKeyId}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_TrustingThePublishedDecisionKey_RefusesToStart()
    {
        var failure = await StartFailureAsync<AuditService>("audit_devkeys",
            new() { ["DecisionKeys:k"] = DevelopmentKeys.DecisionPublicKey });

        Assert.Contains("DecisionKeys:k", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DevelopmentSettings_HoldOnlyKeysTheCheckRecognises()
    {
        // The check must know every key the repository publishes: each service's Development settings are scanned.
        foreach (var service in new[] { "Declarations/Platform.Declarations", "Review/Platform.Review", "Allocations/Platform.Allocations", "Audit/Platform.Audit", "Rules/Platform.RuleEngine", "Web/Platform.Web" })
        {
            var path = Path.Combine(PlatformProcesses.RepositoryRoot, "services", service, "appsettings.Development.json");
            using var settings = JsonDocument.Parse(File.ReadAllText(path));
            var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
            var found = DevelopmentKeys.FoundIn(configuration);

            // Tokens come from the OpenID Connect provider now: no service holds a token signing key any more.
            Assert.DoesNotContain("Auth:SigningKey", found);
            if (settings.RootElement.TryGetProperty("Signing", out _) || settings.RootElement.TryGetProperty("DecisionKeys", out _))
            {
                Assert.Single(found);
            }
        }
    }

    private static string PublishedReviewPrivateKey()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(PlatformProcesses.RepositoryRoot, "services", "Review", "Platform.Review", "appsettings.Development.json")));
        return settings.RootElement.GetProperty("Signing").GetProperty("Keys").GetProperty(DevelopmentKeys.DecisionKeyId).GetString()!;
    }

    private static async Task<OptionsValidationException> StartFailureAsync<TService>(string name, Dictionary<string, string?> settings)
        where TService : class
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync(name);
        var vhost = await servers.CreateVirtualHostAsync(name.Replace('_', '-'));
        var failure = Assert.IsType<OptionsValidationException>(ServiceStart.FailureToStart(
            () => new ServiceHost<TService>(database, servers.Amqp, vhost, new FakeTimeProvider(), settings)));
        await servers.DeleteVirtualHostAsync(vhost);
        return failure;
    }
}
