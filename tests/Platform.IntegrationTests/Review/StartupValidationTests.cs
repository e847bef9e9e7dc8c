using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Allocations;
using Platform.IntegrationTests.Infrastructure;
using Platform.Review;

namespace Platform.IntegrationTests.Review;

/// <summary>A misconfigured gate refuses to start rather than run without its guarantees.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("9.00:00:00", true)]
    [InlineData("15.00:00:00", false)]
    public async Task Review_WithAnObservationWindowUnder10DaysOrNoSigningKey_RefusesToStart(string window, bool withKey)
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("review_start");
        var vhost = await servers.CreateVirtualHostAsync("review-start");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new Dictionary<string, string?> { ["Review:ObservationWindow"] = window, ["Signing:ActiveKeyId"] = "k1" };
        if (withKey)
        {
            settings["Signing:Keys:k1"] = key.ExportPkcs8PrivateKeyPem();
        }

        Assert.IsType<OptionsValidationException>(ServiceStart.FailureToStart(
            () => new ServiceHost<ReviewService>(database, servers.Amqp, vhost, new FakeTimeProvider(), settings)));
        await servers.DeleteVirtualHostAsync(vhost);
    }

    [Fact]
    public async Task Allocations_WithoutAnyTrustedReviewKey_RefusesToStart()
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("allocations_start");
        var vhost = await servers.CreateVirtualHostAsync("allocations-start");

        Assert.IsType<OptionsValidationException>(ServiceStart.FailureToStart(
            () => new ServiceHost<AllocationsService>(database, servers.Amqp, vhost, new FakeTimeProvider())));
        await servers.DeleteVirtualHostAsync(vhost);
    }
}
