using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;
using Platform.ServiceDefaults.Auth;

namespace Platform.IntegrationTests.Auth;

/// <summary>
/// Forgetting to protect a route closes it: the authorization set-up every service shares refuses an endpoint that
/// declares neither a policy nor <c>AllowAnonymous</c>, whoever calls it. The declarations service stands for all
/// five: they share that set-up (PlatformDefaults). The policy is evaluated the way the authorization middleware
/// evaluates it for an endpoint without metadata, on the running service's own authorization services.
/// </summary>
public sealed class FallbackPolicyTests : IAsyncLifetime
{
    private ServiceHost<DeclarationsService> Service { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var servers = await PlatformServers.GetAsync();
        Service = new ServiceHost<DeclarationsService>(
            await servers.CreateDatabaseAsync("fallback"),
            servers.Amqp,
            await servers.CreateVirtualHostAsync("fallback"),
            new FakeTimeProvider(DateTimeOffset.UtcNow));
        _ = Service.Server;
    }

    public static TheoryData<string?> Callers() => new() { null, Roles.Recipient, Roles.Counsellor, Roles.Supervisor, Roles.Auditor, Roles.Payer };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task AnEndpointWithoutARule_IsRefused_WhoeverCalls(string? role)
    {
        var unprotected = new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(), "an endpoint that forgot its rule");

        Assert.False(await FallbackAllowsAsync(role, unprotected));
    }

    [Fact]
    public async Task ARequestMatchingNoEndpoint_PassesThrough_ToGetItsNotFound()
    {
        Assert.True(await FallbackAllowsAsync(Roles.Recipient, endpoint: null));
    }

    [Fact]
    public void EveryEndpointOfTheService_DeclaresItsRule()
    {
        var endpoints = Service.ServiceProvider.GetRequiredService<EndpointDataSource>().Endpoints;

        var withoutRule = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(e => e.DisplayName)
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.Empty(withoutRule);
    }

    private async Task<bool> FallbackAllowsAsync(string? role, Endpoint? endpoint)
    {
        var policies = Service.ServiceProvider.GetRequiredService<IAuthorizationPolicyProvider>();
        var authorization = Service.ServiceProvider.GetRequiredService<IAuthorizationService>();
        var fallback = await policies.GetFallbackPolicyAsync();
        Assert.NotNull(fallback);

        var http = new DefaultHttpContext();
        http.SetEndpoint(endpoint);
        var identity = role is null ? new ClaimsIdentity() : new ClaimsIdentity([new Claim(ClaimTypes.Role, role), new Claim("sub", "someone")], "Bearer");
        var result = await authorization.AuthorizeAsync(new ClaimsPrincipal(identity), http, fallback);
        return result.Succeeded;
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}
