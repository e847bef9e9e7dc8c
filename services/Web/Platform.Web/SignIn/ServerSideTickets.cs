using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Memory;

namespace Platform.Web.SignIn;

/// <summary>
/// Keeps each session (its claims and the provider's tokens) on the server; the browser's cookie carries only a
/// random key. A stolen or copied cookie never holds a bearer token. Sessions live in this process's memory: several
/// instances of the web front would share a distributed cache instead, and a restart signs everyone out.
/// </summary>
public sealed class ServerSideTickets(IMemoryCache cache, TimeProvider time) : ITicketStore
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = "session-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var expires = ticket.Properties.ExpiresUtc ?? time.GetUtcNow() + DefaultLifetime;
        cache.Set(key, ticket, new MemoryCacheEntryOptions { AbsoluteExpiration = expires });
        return Task.CompletedTask;
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => Task.FromResult(cache.Get<AuthenticationTicket>(key));

    public Task RemoveAsync(string key)
    {
        cache.Remove(key);
        return Task.CompletedTask;
    }
}

/// <summary>Gives the sign-in cookie its server-side store.</summary>
internal sealed class UseServerSideTickets(ITicketStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == CookieAuthenticationDefaults.AuthenticationScheme)
        {
            options.SessionStore = store;
        }
    }
}
