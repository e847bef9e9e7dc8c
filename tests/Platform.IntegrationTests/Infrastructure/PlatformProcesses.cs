using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The platform as it runs in production: each service its own operating-system process (the built assembly, started
/// with <c>dotnet</c>), or several instances of it (one process each, on its own port, sharing the service's database),
/// its own database, all on one RabbitMQ virtual host, talking only through the broker. Instances can be killed
/// (<c>kill -9</c>) and started again, for the chaos test. Each process's output goes to <c>artifacts/e2e-logs/</c>
/// beside the test results.
/// </summary>
public sealed class PlatformProcesses : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, (string Folder, string Assembly)> Catalogue = new Dictionary<string, (string, string)>
    {
        ["declarations"] = ("services/Declarations/Platform.Declarations", "Platform.Declarations"),
        ["rules"] = ("services/Rules/Platform.RuleEngine", "Platform.RuleEngine"),
        ["review"] = ("services/Review/Platform.Review", "Platform.Review"),
        ["allocations"] = ("services/Allocations/Platform.Allocations", "Platform.Allocations"),
        ["audit"] = ("services/Audit/Platform.Audit", "Platform.Audit"),
        ["web"] = ("services/Web/Platform.Web", "Platform.Web"),
    };

    public static readonly string RepositoryRoot = FindRepositoryRoot();
    public static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0

    // Instances are killed and restarted while requests pick a live one: these are read and changed from several threads.
    private readonly ConcurrentDictionary<(string Service, int Instance), Process> running = new();
    private readonly ConcurrentDictionary<(string Service, int Instance), bool> ready = new();
    private readonly Dictionary<(string Service, int Instance), int> ports = [];
    private readonly Dictionary<string, string> databases = [];
    private readonly Dictionary<string, int> instanceCounts = [];
    private readonly IReadOnlyDictionary<string, string> extraSettings;
    private int generation;

    private PlatformProcesses(PlatformServers servers, IdentityProvider provider, string virtualHost, IReadOnlyDictionary<string, string> extraSettings)
    {
        Servers = servers;
        Provider = provider;
        VirtualHost = virtualHost;
        this.extraSettings = extraSettings;
        // A test run that ends abruptly must not leave services running behind it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public PlatformServers Servers { get; }

    /// <summary>The OpenID Connect provider the services trust and <see cref="ClientFor(string, string, string, string?)"/> takes tokens from.</summary>
    public IdentityProvider Provider { get; }

    public string VirtualHost { get; }

    /// <param name="settings">Environment for every service (<c>Key__Sub</c>), or for one (<c>rules:Key__Sub</c>).</param>
    public static async Task<PlatformProcesses> StartAsync(IReadOnlyDictionary<string, string>? settings = null, params string[] services) =>
        await StartAsync(settings, 1, services);

    /// <summary>The same with <paramref name="instances"/> processes of every service, all sharing that service's database.</summary>
    public static async Task<PlatformProcesses> StartAsync(IReadOnlyDictionary<string, string>? settings, int instances, params string[] services)
    {
        var servers = await PlatformServers.GetAsync();
        return await StartInstancesAsync(
            await IdentityProvider.GetSharedAsync(), new Dictionary<string, int>(), await servers.CreateVirtualHostAsync("e2e"), settings, instances, services);
    }

    /// <summary>The same, on a virtual host the test prepared (its users and permissions).</summary>
    public static async Task<PlatformProcesses> StartOnAsync(string virtualHost, IReadOnlyDictionary<string, string>? settings, params string[] services) =>
        await StartWithAsync(await IdentityProvider.GetSharedAsync(), new Dictionary<string, int>(), virtualHost, settings, services);

    /// <summary>The same, trusting <paramref name="provider"/>, on ports chosen beforehand for some services (a provider's redirect URIs name them).</summary>
    public static Task<PlatformProcesses> StartWithAsync(
        IdentityProvider provider, IReadOnlyDictionary<string, int> ports, string? virtualHost, IReadOnlyDictionary<string, string>? settings, params string[] services) =>
        StartInstancesAsync(provider, ports, virtualHost, settings, 1, services);

    /// <param name="ports">Ports chosen beforehand, for the first instance of some services.</param>
    private static async Task<PlatformProcesses> StartInstancesAsync(
        IdentityProvider provider, IReadOnlyDictionary<string, int> ports, string? virtualHost, IReadOnlyDictionary<string, string>? settings,
        int instances, string[] services)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        var servers = await PlatformServers.GetAsync();
        virtualHost ??= await servers.CreateVirtualHostAsync("e2e");
        var platform = new PlatformProcesses(servers, provider, virtualHost, settings ?? new Dictionary<string, string>());
        foreach (var service in services)
        {
            platform.databases[service] = await servers.CreateDatabaseAsync("e2e_" + service);
            platform.instanceCounts[service] = instances;
            for (var instance = 0; instance < instances; instance++)
            {
                platform.ports[(service, instance)] = instance == 0 && ports.TryGetValue(service, out var port) ? port : FreePort();
            }
        }

        // In waves: the first instance of every service together (each waits for its own database and broker, and
        // migrates it), awaited until every one is ready; then the second of each, and so on. Two cores start five
        // services at a time, not ten, and a later instance finds its database already migrated.
        for (var instance = 0; instance < instances; instance++)
        {
            foreach (var service in services)
            {
                platform.Launch(service, instance);
            }

            await Task.WhenAll(services.Select(service => platform.WaitUntilReadyAsync(service, instance)));
        }

        return platform;
    }

    /// <summary>The address of a live instance of <paramref name="service"/>: the first one unless it is down.</summary>
    public Uri UrlOf(string service) => UrlOf(service, LiveInstancesOf(service) is [var live, ..] ? live : 0);

    public Uri UrlOf(string service, int instance) => new($"http://127.0.0.1:{ports[(service, instance)]}");

    /// <summary>The instances of <paramref name="service"/> running and ready now, in order: neither killed nor still starting.</summary>
    public IReadOnlyList<int> LiveInstancesOf(string service) =>
        Enumerable.Range(0, instanceCounts[service]).Where(instance => ready.ContainsKey((service, instance))).ToList();

    public string ConnectionStringOf(string service) => databases[service];

    /// <summary>A client of <paramref name="service"/> (a live instance) as that person; an agent acts nationally unless <paramref name="departements"/> are named.</summary>
    public HttpClient ClientFor(string service, string role, string subject, string? departements = null) =>
        ClientFor(UrlOf(service), role, subject, departements);

    /// <summary>A client of one instance of <paramref name="service"/>, as that person.</summary>
    public HttpClient ClientFor(string service, int instance, string role, string subject) => ClientFor(UrlOf(service, instance), role, subject, null);

    private HttpClient ClientFor(Uri url, string role, string subject, string? departements)
    {
        var client = new HttpClient { BaseAddress = url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Provider.Token(role, subject, departements));
        return client;
    }

    /// <summary>Kills the service's (first) process at once, as <c>kill -9</c> would: no shutdown, no flush.</summary>
    public void Kill(string service) => Kill(service, 0);

    /// <summary>Kills one instance's process at once, as <c>kill -9</c> would: no shutdown, no flush.</summary>
    public void Kill(string service, int instance)
    {
        ready.TryRemove((service, instance), out _);
        if (running.TryRemove((service, instance), out var process))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public Task RestartAsync(string service) => RestartAsync(service, 0);

    /// <summary>Starts a killed instance again, on its port, and waits until it is ready.</summary>
    public async Task RestartAsync(string service, int instance)
    {
        Launch(service, instance);
        await WaitUntilReadyAsync(service, instance);
    }

    private void Launch(string service, int instance)
    {
        var (folder, assembly) = Catalogue[service];
        var projectFolder = Path.Combine(RepositoryRoot, folder);
        var amqp = Servers.Amqp;
        var user = amqp.UserInfo.Split(':');
        var start = new ProcessStartInfo("dotnet", Path.Combine(projectFolder, "bin", Configuration, "net10.0", assembly + ".dll"))
        {
            WorkingDirectory = projectFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Development: the service's own appsettings.Development.json (dev signing keys...), then these overrides.
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Urls"] = UrlOf(service, instance).ToString(),
            // As deployed: migrations as the schema's owner, the service as a role that owns nothing.
            ["ConnectionStrings__Migrations"] = databases[service],
            ["ConnectionStrings__Database"] = PlatformServers.AsRuntimeRole(databases[service]),
            ["RabbitMq__Host"] = amqp.Host,
            ["RabbitMq__Port"] = amqp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq__VirtualHost"] = VirtualHost,
            ["RabbitMq__Username"] = Uri.UnescapeDataString(user[0]),
            ["RabbitMq__Password"] = Uri.UnescapeDataString(user[1]),
            ["Auth__Authority"] = Provider.Authority.ToString(),
            ["Auth__RequireHttpsMetadata"] = "false",
            ["SignIn__OpenIdConnect__Local__Authority"] = Provider.Authority.ToString(),
            ["Outbox__PollInterval"] = "00:00:00.200",
        };
        if (service == "audit")
        {
            // The whole-log verification job writes a row each run: in a test that compares every row before and after
            // a refused call, a run in between is not the call's doing. Tests of the job set their own interval.
            environment["Audit__Verification__Interval"] = "1.00:00:00";
        }

        foreach (var (key, value) in environment.Concat(extraSettings))
        {
            var scope = key.Split(':', 2);
            if (scope.Length == 1 || scope[0] == service)
            {
                start.Environment[scope[^1]] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {service}.");
        var logFolder = Path.Combine(RepositoryRoot, "artifacts", "e2e-logs");
        Directory.CreateDirectory(logFolder);
        var instanceName = instanceCounts[service] == 1 ? service : $"{service}.{instance}";
        ProcessLog.Attach(process, Path.Combine(logFolder, $"{VirtualHost}-{instanceName}-{Interlocked.Increment(ref generation)}.log"));
        running[(service, instance)] = process;
    }

    private async Task WaitUntilReadyAsync(string service, int instance)
    {
        using var http = new HttpClient { BaseAddress = UrlOf(service, instance), Timeout = TimeSpan.FromSeconds(5) };
        var name = instanceCounts[service] == 1 ? service : $"{service} instance {instance}";
        await ProcessReadiness.WaitAsync(running[(service, instance)], http, "/health/ready", name, "artifacts/e2e-logs");
        ready[(service, instance)] = true;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Platform.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above the test assembly.");
    }

    public async ValueTask DisposeAsync()
    {
        KillAll();
        await Servers.DeleteVirtualHostAsync(VirtualHost);
    }

    private void KillAll()
    {
        foreach (var (service, instance) in running.Keys.ToList())
        {
            Kill(service, instance);
        }
    }
}

/// <summary>A started process's output file; lines that arrive after the process exited (and the file closed) are dropped.</summary>
internal sealed class ProcessLog : IDisposable
{
    private readonly StreamWriter writer;
    private bool closed;

    private ProcessLog(string path) => writer = new StreamWriter(path) { AutoFlush = true };

    /// <summary>Writes the output and errors of <paramref name="process"/> (started with both redirected) to <paramref name="path"/>.</summary>
    public static void Attach(Process process, string path)
    {
        var log = new ProcessLog(path);
        process.OutputDataReceived += (_, line) => log.Write(line.Data);
        process.ErrorDataReceived += (_, line) => log.Write(line.Data);
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Write(string? line)
    {
        lock (writer)
        {
            if (line is not null && !closed)
            {
                writer.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
        lock (writer)
        {
            closed = true;
            writer.Dispose();
        }
    }
}
