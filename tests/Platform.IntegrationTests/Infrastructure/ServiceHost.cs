using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// One service, in this process, wired to a real database and a real RabbitMQ virtual host. The service runs its own
/// Program: migrations, bus, outbox dispatcher, consumers and endpoints, exactly as deployed; only the clock is the
/// test's, so deadlines and windows can be crossed on purpose.
/// </summary>
/// <typeparam name="TService">Any public type of the service's assembly (its marker type).</typeparam>
public sealed class ServiceHost<TService>(
    string connectionString,
    Uri amqp,
    string virtualHost,
    FakeTimeProvider clock,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<TService>
    where TService : class
{
    public FakeTimeProvider Clock => clock;

    public IServiceProvider ServiceProvider => Services;

    /// <summary>
    /// A client whose requests carry a provider-issued token for <paramref name="role"/> and <paramref name="subject"/>;
    /// an agent acts nationally unless <paramref name="departements"/> (codes separated by spaces) are named.
    /// </summary>
    public HttpClient ClientFor(string role, string subject, string? departements = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(role, subject, departements));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var user = amqp.UserInfo.Split(':');
        builder.UseEnvironment("Testing");
        if (settings?.ContainsKey("ConnectionStrings:Migrations") == true)
        {
            builder.UseSetting("ConnectionStrings:Database", connectionString);
        }
        else
        {
            // As deployed: migrations as the schema's owner, the service as a role that owns nothing.
            builder.UseSetting("ConnectionStrings:Migrations", connectionString);
            builder.UseSetting("ConnectionStrings:Database", PlatformServers.AsRuntimeRole(connectionString));
        }

        builder.UseSetting("RabbitMq:Host", amqp.Host);
        builder.UseSetting("RabbitMq:Port", amqp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RabbitMq:VirtualHost", virtualHost);
        builder.UseSetting("RabbitMq:Username", Uri.UnescapeDataString(user[0]));
        builder.UseSetting("RabbitMq:Password", Uri.UnescapeDataString(user[1]));
        // The shared local provider; a test may name another in its settings (Auth:Authority).
        builder.UseSetting("Auth:Authority", IdentityProvider.Shared.Authority.ToString());
        builder.UseSetting("Auth:RequireHttpsMetadata", "false");
        builder.UseSetting("Outbox:PollInterval", "00:00:00.200");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            configureServices?.Invoke(services);
        });
    }
}

/// <summary>Helpers for service hosts that are expected not to start.</summary>
public static class ServiceStart
{
    /// <summary>
    /// What a service that must refuse to start throws when started. The factory that runs Program on another thread
    /// sometimes reports that failure as its own disposal instead (a race inside WebApplicationFactory, not the
    /// service's): then a new host is started, at most three times in all.
    /// </summary>
    public static Exception? FailureToStart<TService>(Func<ServiceHost<TService>> create)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(create);
        for (var attempt = 1; ; attempt++)
        {
            using var host = create();
            var failure = Record.Exception(() => host.Server);
            if (failure is not ObjectDisposedException || attempt == 3)
            {
                return failure;
            }
        }
    }
}
