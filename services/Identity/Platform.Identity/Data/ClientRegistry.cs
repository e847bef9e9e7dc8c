using OpenIddict.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Identity.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Data;

/// <summary>
/// Creates the provider's tables and writes its clients and API scopes from configuration at start, so what the
/// configuration says is what the provider accepts (a client removed from it is removed here too).
/// </summary>
public sealed class ClientRegistry(
    IdentityDbContext database,
    IOpenIddictApplicationManager applications,
    IOpenIddictScopeManager scopeManager,
    IOptions<ProviderOptions> options,
    IHostEnvironment environment)
{
    public const string DevelopmentGrant = "urn:xp-rsa:grant-type:development";

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await database.Database.EnsureCreatedAsync(cancellationToken);
        var provider = options.Value;

        foreach (var api in provider.Apis)
        {
            var scope = await scopeManager.FindByNameAsync(api, cancellationToken);
            var descriptor = new OpenIddictScopeDescriptor { Name = api, DisplayName = api, Resources = { api } };
            if (scope is null)
            {
                await scopeManager.CreateAsync(descriptor, cancellationToken);
            }
            else
            {
                await scopeManager.UpdateAsync(scope, descriptor, cancellationToken);
            }
        }

        await foreach (var existing in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var clientId = await applications.GetClientIdAsync(existing, cancellationToken);
            if (clientId is null || !provider.Clients.ContainsKey(clientId))
            {
                await applications.DeleteAsync(existing, cancellationToken);
            }
        }

        foreach (var (clientId, client) in provider.Clients)
        {
            if (client.Development && !environment.IsDevelopment())
            {
                continue;
            }

            var descriptor = Describe(clientId, client, provider);
            var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
            if (existing is not null)
            {
                await applications.DeleteAsync(existing, cancellationToken);
            }

            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    private static OpenIddictApplicationDescriptor Describe(string clientId, ProviderClient client, ProviderOptions provider)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = client.Secret,
            ClientType = string.IsNullOrEmpty(client.Secret) ? ClientTypes.Public : ClientTypes.Confidential,
            DisplayName = client.DisplayName ?? clientId,
            ConsentType = ConsentTypes.Implicit,
        };
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        foreach (var api in client.Apis.Count > 0 ? client.Apis : provider.Apis)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + api);
        }

        if (client.RedirectUris.Count > 0)
        {
            descriptor.Permissions.UnionWith(
            [
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
            ]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            descriptor.RedirectUris.UnionWith(client.RedirectUris);
            descriptor.PostLogoutRedirectUris.UnionWith(client.PostLogoutRedirectUris);
        }

        if (!string.IsNullOrEmpty(client.Role))
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        if (client.Development)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.GrantType + DevelopmentGrant);
        }

        return descriptor;
    }
}
