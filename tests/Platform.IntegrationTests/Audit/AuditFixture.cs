using System.Security.Cryptography;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Audit;
using Platform.Contracts;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Audit;

/// <summary>
/// The audit service on its own database, sharing a virtual host with the declarations service (so real events from
/// another service reach it), with the review service's public decision key configured as in production.
/// </summary>
public sealed class AuditFixture : IAsyncLifetime
{
    public const string DecisionKeyId = "review-test";

    public const string CheckpointKeyId = "audit-test";

    /// <summary>The role the audit service runs as: it owns nothing (its schema is the migrating superuser's).</summary>
    public const string RuntimeRole = "platform_audit_runtime";


    /// <summary>Thursday of week 2026-W48, 10:00 in Paris.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public PlatformServers Servers { get; private set; } = null!;

    /// <summary>As the schema's owner (a superuser here): migrations, and tampering behind the service's back.</summary>
    public string ConnectionString { get; private set; } = null!;

    /// <summary>A broker user of the test's own (password = name), allowed to publish only as the producer <c>declarations</c>.</summary>
    public string PublisherUser { get; } = $"audit-test-{Guid.NewGuid():N}"[..24];

    /// <summary>As the audit service's own runtime role.</summary>
    public string RuntimeConnectionString { get; private set; } = null!;

    /// <summary>The audit service's checkpoint key, as the test configures it.</summary>
    public ECDsa CheckpointKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string VirtualHost { get; private set; } = null!;

    public ServiceHost<AuditService> Audit { get; private set; } = null!;

    public ServiceHost<DeclarationsService> Declarations { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>Sees every event exactly as the audit service receives it.</summary>
    public EventProbe Events { get; private set; } = null!;

    /// <summary>The review service's signing key, as a test stands in for it.</summary>
    public ECDsa DecisionKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        ConnectionString = await Servers.CreateDatabaseAsync("audit");
        RuntimeConnectionString = await CreateRuntimeRoleAsync(ConnectionString);
        VirtualHost = await Servers.CreateVirtualHostAsync("audit");
        await Servers.CreateUserAsync(VirtualHost, PublisherUser);
        Events = await EventProbe.StartAsync(Servers.Amqp, VirtualHost);
        Audit = new ServiceHost<AuditService>(
            RuntimeConnectionString, Servers.Amqp, VirtualHost, Clock,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:Migrations"] = ConnectionString,
                [$"DecisionKeys:{DecisionKeyId}"] = DecisionKey.ExportSubjectPublicKeyInfoPem(),
                // Every service of these tests connects as the one test user, which may therefore speak for any producer;
                // the test's own publisher user may speak only for declarations.
                [$"Audit:Publishers:{Uri.UnescapeDataString(Servers.Amqp.UserInfo.Split(':')[0])}"] = "*",
                [$"Audit:Publishers:{PublisherUser}"] = "declarations",
                ["Audit:ProducerHeadGrace"] = "00:00:00",
                ["Audit:Checkpoints:KeyId"] = CheckpointKeyId,
                ["Audit:Checkpoints:SigningKey"] = CheckpointKey.ExportPkcs8PrivateKeyPem(),
                ["Audit:Checkpoints:Interval"] = "00:00:00.500",
                // Background verification runs only when a test starts one (VerificationRunner.RunAsync).
                ["Audit:Verification:Interval"] = "1.00:00:00",
            });
        _ = Audit.Server; // migrations and the log's queue bound before anything is published
        Declarations = new ServiceHost<DeclarationsService>(
            await Servers.CreateDatabaseAsync("declarations"), Servers.Amqp, VirtualHost, Clock);
        _ = Declarations.Server;
    }

    /// <summary>Publishes on the real bus with a chosen message id, as a producer's outbox dispatcher does.</summary>
    public Task PublishAsync(PlatformEvent message) =>
        Audit.ServiceProvider.GetRequiredService<IBus>().Publish(message, message.GetType(), context => context.MessageId = message.EventId);

    /// <summary>Waits until the log holds every one of <paramref name="messageIds"/> (the consumer is asynchronous).</summary>
    public async Task WaitForEntriesAsync(params Guid[] messageIds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountAsync("SELECT count(*) FROM audit_log WHERE message_id = ANY(@messageIds)", new { messageIds }) < messageIds.Length)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The audit log did not receive all of {messageIds.Length} events.");
            }

            await Task.Delay(100);
        }
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return (await Dapper.SqlMapper.QueryAsync<T>(connection, sql, parameters)).ToList();
    }

    /// <summary>As a superuser, behind the log's back: with triggers off, runs <paramref name="sql"/> on the log.</summary>
    public async Task TamperAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "SET session_replication_role = replica");
        Assert.Equal(1, await Dapper.SqlMapper.ExecuteAsync(connection, sql, parameters));
    }

    /// <summary>The cluster-wide login role the service runs as (created once), as a connection string to <paramref name="database"/>.</summary>
    private static async Task<string> CreateRuntimeRoleAsync(string database)
    {
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            try
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, $"""
                    DO $$ BEGIN
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RuntimeRole}') THEN
                            CREATE ROLE {RuntimeRole} LOGIN PASSWORD '{RuntimeRole}';
                        END IF;
                    END $$
                    """);
            }
            catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
            {
                // Another test class created it at the same moment.
            }
        }

        return new NpgsqlConnectionStringBuilder(database) { Username = RuntimeRole, Password = RuntimeRole }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        await (Declarations?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Audit?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Events?.DisposeAsync() ?? ValueTask.CompletedTask);
        DecisionKey?.Dispose();
        CheckpointKey?.Dispose();
        if (VirtualHost is not null)
        {
            await Servers.DeleteVirtualHostAsync(VirtualHost);
        }

        if (PublisherUser is not null)
        {
            await Servers.DeleteUserAsync(PublisherUser);
        }
    }
}
