using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The local OpenID Connect provider (services/Identity) as its own process on a free port and its own database,
/// in Development (so its development grant answers). One is started per test run and shared (<see cref="Shared"/>):
/// every service under test trusts it through discovery and JWKS, as in production. A test that rotates keys or
/// registers another client starts its own with <see cref="StartAsync"/>.
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    public const string DevelopmentGrant = "urn:xp-rsa:grant-type:development";

    /// <summary>Every API's audience: a test token may call any service, like deploy/local/token.sh's.</summary>
    /// <summary>The roles whose tokens name départements.</summary>
    public static readonly IReadOnlyList<string> AgentRoles = ["counsellor", "supervisor", "auditor"];

    public static readonly IReadOnlyList<string> Apis = ["declarations-api", "rules-api", "review-api", "allocations-api", "audit-api"];

    private static readonly Lazy<Task<IdentityProvider>> SharedInstance = new(() => StartAsync());

    private readonly Process process;
    private readonly HttpClient http;
    private readonly ConcurrentDictionary<(string Role, string Subject, string? Departements), (string Token, DateTime Expires)> tokens = new();

    private IdentityProvider(Process process, int port)
    {
        this.process = process;
        Port = port;
        Authority = new Uri($"http://127.0.0.1:{port}/");
        http = new HttpClient { BaseAddress = Authority, Timeout = TimeSpan.FromSeconds(60) };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    /// <summary>The shared provider, started at first use (blocking: test data is built synchronously).</summary>
    public static IdentityProvider Shared => Task.Run(() => SharedInstance.Value).GetAwaiter().GetResult();

    public static Task<IdentityProvider> GetSharedAsync() => SharedInstance.Value;

    public int Port { get; }

    /// <summary>The authority and issuer (<c>http://127.0.0.1:PORT/</c>).</summary>
    public Uri Authority { get; }

    /// <param name="settings">Environment of the provider's process (<c>Provider__...</c>).</param>
    public static async Task<IdentityProvider> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var servers = await PlatformServers.GetAsync();
        var database = await servers.CreateDatabaseAsync("identity");
        var port = PlatformProcesses.FreePort();
        var folder = Path.Combine(PlatformProcesses.RepositoryRoot, "services", "Identity", "Platform.Identity");
        // The shared provider lives as long as the test run; `dotnet test` may end its host without running exit handlers,
        // so a small shell watches this process and stops the provider once it is gone.
        var assembly = Path.Combine(folder, "bin", PlatformProcesses.Configuration, "net10.0", "Platform.Identity.dll");
        const string Watchdog = """
            dotnet "$0" & provider=$!
            while kill -0 "$1" 2>/dev/null && kill -0 $provider 2>/dev/null; do sleep 2; done
            kill $provider 2>/dev/null; wait $provider
            """;
        var start = new ProcessStartInfo("sh", ["-c", Watchdog, assembly, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Database"] = database;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the identity provider.");
        var logFolder = Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts", "e2e-logs");
        Directory.CreateDirectory(logFolder);
        ProcessLog.Attach(process, Path.Combine(logFolder, $"identity-{port}.log"));

        var provider = new IdentityProvider(process, port);
        await provider.WaitUntilReadyAsync();
        return provider;
    }

    /// <summary>A token for every API, cached per person for the run (renewed when it nears expiry).</summary>
    public string Token(string role, string subject, string? departements = null)
    {
        if (tokens.TryGetValue((role, subject, departements), out var cached) && cached.Expires > DateTime.UtcNow.AddMinutes(5))
        {
            return cached.Token;
        }

        var token = Task.Run(() => TokenAsync(role, subject, departements: departements)).GetAwaiter().GetResult();
        tokens[(role, subject, departements)] = (token, DateTime.UtcNow.AddMinutes(50));
        return token;
    }

    /// <summary>
    /// A fresh token from the development grant; <paramref name="scope"/> limits its audiences. An agent's token names
    /// <paramref name="departements"/> (codes separated by spaces; "" for none); when they are not given, <c>*</c>: the
    /// tests that are not about départements act as national agents.
    /// </summary>
    public async Task<string> TokenAsync(
        string role, string subject, string? scope = null, int? expiresInSeconds = null, Uri? via = null, string? departements = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = DevelopmentGrant,
            ["client_id"] = "local-tools",
            ["role"] = role,
            ["subject"] = subject,
            ["departements"] = departements ?? (AgentRoles.Contains(role) ? "*" : ""),
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        if (expiresInSeconds is { } seconds)
        {
            form["expires_in"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var response = await http.PostAsync(new Uri(via ?? Authority, "connect/token"), new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The provider refused a token ({(int)response.StatusCode}): {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The provider makes a new signing key and signs with it from now on; returns its <c>kid</c>.</summary>
    public async Task<string> RotateSigningKeyAsync()
    {
        using var response = await http.PostAsync(new Uri(Authority, "development/signing-keys"), null);
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return answer.GetProperty("keyId").GetString()!;
    }

    private Task WaitUntilReadyAsync() =>
        ProcessReadiness.WaitAsync(process, http, ".well-known/openid-configuration", "The identity provider", $"artifacts/e2e-logs/identity-{Port}.log");

    private void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        http.Dispose();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
