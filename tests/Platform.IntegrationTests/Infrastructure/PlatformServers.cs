using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL and RabbitMQ the tests run against, started once per test run. With a Docker engine they are
/// Testcontainers; without one, the servers named by <c>PLATFORM_TEST_POSTGRES</c>, <c>PLATFORM_TEST_RABBITMQ</c> and
/// <c>PLATFORM_TEST_RABBITMQ_MANAGEMENT</c> (what <c>deploy/local/servers.sh</c> starts). Never a stand-in engine:
/// with neither, the tests fail and say why.
/// Each test class gets its own database and its own RabbitMQ virtual host, so classes run in parallel in isolation.
/// </summary>
public sealed class PlatformServers
{
    private static readonly Lazy<Task<PlatformServers>> Shared = new(StartAsync);

    /// <summary>
    /// Each test database's comment, and each test virtual host's description, names the run that made it; the run
    /// holds a PostgreSQL advisory lock on that number for as long as its process lives (this connection). A database
    /// or virtual host whose run no longer holds its lock is a leftover of a run that has ended, and the next run drops
    /// it: servers used for many runs stay small. (A broker keeps files open for every virtual host it has; a few
    /// hundred leftovers once exhausted its file handles and no new virtual host could start.)
    /// </summary>
    private const string RunComment = "platform test run ";

    private readonly RabbitMqContainer? rabbitContainer;
    private static readonly long Run = Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Open for the whole process, never closed: closing it would free this run's databases to others.</summary>
    private static NpgsqlConnection? runLock;

    private PlatformServers(string adminConnectionString, Uri amqp, Uri management, RabbitMqContainer? rabbitContainer = null)
    {
        this.rabbitContainer = rabbitContainer;
        AdminConnectionString = adminConnectionString;
        Amqp = amqp;
        Management = management;
    }

    /// <summary>A superuser on the test PostgreSQL server (the audit tests tamper with rows behind the service's back).</summary>
    public string AdminConnectionString { get; }

    /// <summary><c>amqp://user:password@host:port</c>, without a virtual host.</summary>
    public Uri Amqp { get; }

    public Uri Management { get; }

    /// <summary>
    /// The role services run as in the tests, as deployed: no superuser (row-level security holds it) and owner of
    /// nothing; the migrations, run as the superuser, grant it its rights in each database (<see cref="AsRuntimeRole"/>).
    /// </summary>
    public const string RuntimeRole = "platform_runtime";

    public static Task<PlatformServers> GetAsync() => Shared.Value;

    /// <summary>The same database as <paramref name="connectionString"/>, as <see cref="RuntimeRole"/>.</summary>
    public static string AsRuntimeRole(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Username = RuntimeRole, Password = RuntimeRole }.ConnectionString;

    /// <summary>A fresh, empty database; returns its connection string (as the superuser).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
            await using var comment = new NpgsqlCommand($"COMMENT ON DATABASE \"{name}\" IS '{RunComment}{Run}'", connection);
            await comment.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>A fresh RabbitMQ virtual host the test's services and probes share.</summary>
    public async Task<string> CreateVirtualHostAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        using var http = ManagementClient();
        var description = new StringContent($$"""{"description":"{{RunComment}}{{Run}}"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/vhosts/{name}", description)).EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(Amqp.UserInfo.Split(':')[0]);
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{name}/{user}", permissions)).EnsureSuccessStatusCode();
        await WaitUntilRunningAsync(http, name);
        return name;
    }

    /// <summary>
    /// RabbitMQ answers the creation of a virtual host before the host's processes have started; on a loaded machine a
    /// connection made in between is refused with "vhost … is down". Waits until every node reports it running.
    /// </summary>
    private static async Task WaitUntilRunningAsync(HttpClient http, string name)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var response = await http.GetAsync($"api/vhosts/{name}");
            if (response.IsSuccessStatusCode)
            {
                using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (body.RootElement.TryGetProperty("cluster_state", out var nodes)
                    && nodes.EnumerateObject().Any()
                    && nodes.EnumerateObject().All(node => node.Value.GetString() == "running"))
                {
                    return;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"RabbitMQ virtual host {name} did not start within two minutes.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A broker user (password = name) with every permission on <paramref name="virtualHost"/>: a publisher of the test's own.</summary>
    public async Task CreateUserAsync(string virtualHost, string name)
    {
        using var http = ManagementClient();
        var user = new StringContent($$"""{"password":"{{name}}","tags":""}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/users/{name}", user)).EnsureSuccessStatusCode();
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{virtualHost}/{name}", permissions)).EnsureSuccessStatusCode();
    }

    public async Task DeleteUserAsync(string name)
    {
        using var http = ManagementClient();
        await http.DeleteAsync($"api/users/{name}");
    }

    public async Task DeleteVirtualHostAsync(string name)
    {
        using var http = ManagementClient();
        await http.DeleteAsync($"api/vhosts/{name}");
    }

    private HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = new Uri(Management.GetLeftPart(UriPartial.Authority) + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(Management.UserInfo))));
        return http;
    }

    private static async Task<PlatformServers> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("PLATFORM_TEST_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("PLATFORM_TEST_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("PLATFORM_TEST_RABBITMQ_MANAGEMENT");
        if (!string.IsNullOrEmpty(postgres) && !string.IsNullOrEmpty(rabbit) && !string.IsNullOrEmpty(management))
        {
            var servers = new PlatformServers(postgres, new Uri(rabbit), new Uri(management));
            await servers.ClaimRunAsync();
            await servers.CreateRuntimeRoleAsync();
            return servers;
        }

        if (!DockerIsAvailable())
        {
            throw new InvalidOperationException(
                "No test servers: set PLATFORM_TEST_POSTGRES, PLATFORM_TEST_RABBITMQ and PLATFORM_TEST_RABBITMQ_MANAGEMENT " +
                "(deploy/local/test.sh does, after deploy/local/servers.sh), or run with a Docker engine for Testcontainers.");
        }

        var postgresContainer = new PostgreSqlBuilder("postgres:15").Build();
        var rabbitContainer = new RabbitMqBuilder("rabbitmq:3.13-management")
            .WithUsername("guest").WithPassword("guest").WithPortBinding(15672, true).Build();
        await Task.WhenAll(postgresContainer.StartAsync(), rabbitContainer.StartAsync());
        // The services' partition queues sit behind consistent-hash exchanges, as deploy/local/servers.sh enables.
        await rabbitContainer.ExecAsync(["rabbitmq-plugins", "enable", "rabbitmq_consistent_hash_exchange"]);
        var started = new PlatformServers(
            postgresContainer.GetConnectionString(),
            new Uri($"amqp://guest:guest@{rabbitContainer.Hostname}:{rabbitContainer.GetMappedPublicPort(5672)}"),
            new Uri($"http://guest:guest@{rabbitContainer.Hostname}:{rabbitContainer.GetMappedPublicPort(15672)}"),
            rabbitContainer);
        await started.CreateRuntimeRoleAsync();
        return started;
    }

    /// <summary>Creates <see cref="RuntimeRole"/> once per server (test projects running in parallel may race to it).</summary>
    private async Task CreateRuntimeRoleAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        try
        {
            await using var create = new NpgsqlCommand(
                $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RuntimeRole}') THEN " +
                $"CREATE ROLE {RuntimeRole} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '{RuntimeRole}'; END IF; END $$", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // Another test project created it at the same moment.
        }
    }

    /// <summary>
    /// Takes this run's lock, then drops, in the background, the databases and virtual hosts of runs that have ended
    /// (their lock is free). Runs that are still going (another test project, in parallel) keep theirs.
    /// </summary>
    private async Task ClaimRunAsync()
    {
        runLock = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString);
        await runLock.OpenAsync();
        await using (var claim = new NpgsqlCommand("SELECT pg_advisory_lock(@run)", runLock))
        {
            claim.Parameters.AddWithValue("run", Run);
            await claim.ExecuteNonQueryAsync();
        }

        _ = Task.Run(DropEndedRunsAsync);
    }

    private async Task DropEndedRunsAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        using var http = ManagementClient();
        var leftovers = new List<(long Run, Func<Task> Drop)>();
        await using (var query = new NpgsqlCommand(
            "SELECT d.datname, substr(c.description, length(@comment) + 1)::bigint FROM pg_database d " +
            "JOIN pg_shdescription c ON c.objoid = d.oid AND c.classoid = 'pg_database'::regclass " +
            "WHERE c.description LIKE @comment || '%'", connection))
        {
            query.Parameters.AddWithValue("comment", RunComment);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var database = reader.GetString(0);
                leftovers.Add((reader.GetInt64(1), async () =>
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                    await drop.ExecuteNonQueryAsync();
                }));
            }
        }

        using (var virtualHosts = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("api/vhosts?columns=name,description")))
        {
            foreach (var virtualHost in virtualHosts.RootElement.EnumerateArray())
            {
                var name = virtualHost.GetProperty("name").GetString()!;
                var description = virtualHost.TryGetProperty("description", out var text) ? text.GetString() ?? "" : "";
                if (description.StartsWith(RunComment, StringComparison.Ordinal) && long.TryParse(description[RunComment.Length..], out var run))
                {
                    leftovers.Add((run, async () => await http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(name)}")));
                }
            }
        }

        foreach (var (ended, drop) in leftovers.Where(leftover => leftover.Run != Run))
        {
            await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@run)", connection);
            tryLock.Parameters.AddWithValue("run", ended);
            if (await tryLock.ExecuteScalarAsync() is not true)
            {
                continue;
            }

            await drop();
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@run)", connection);
            unlock.Parameters.AddWithValue("run", ended);
            await unlock.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Restarts RabbitMQ under the running services: every connection drops, durable queues come back from disk.
    /// Locally the whole node is stopped and started again (deploy/local/servers.sh); in a container, its application.
    /// Only the chaos test calls this, in a collection that runs alone.
    /// </summary>
    public async Task RestartBrokerAsync(string repositoryRoot)
    {
        if (rabbitContainer is not null)
        {
            await rabbitContainer.ExecAsync(["rabbitmqctl", "stop_app"]);
            await rabbitContainer.ExecAsync(["rabbitmqctl", "start_app"]);
            return;
        }

        await RunAsync("/usr/sbin/rabbitmqctl", "-q -n rabbit@localhost stop", repositoryRoot);
        await RunAsync("bash", "deploy/local/servers.sh", repositoryRoot);
    }

    private static async Task RunAsync(string command, string arguments, string workingDirectory)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { WorkingDirectory = workingDirectory })
            ?? throw new InvalidOperationException($"Could not run {command}.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {arguments} failed with exit code {process.ExitCode}.");
        }
    }

    private static bool DockerIsAvailable() =>
        File.Exists("/var/run/docker.sock") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"));
}
