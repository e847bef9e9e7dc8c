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

    /// <summary>Thursday of week 2026-W48, 10:00 in Paris.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public PlatformServers Servers { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

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
        VirtualHost = await Servers.CreateVirtualHostAsync("audit");
        Events = await EventProbe.StartAsync(Servers.Amqp, VirtualHost);
        Audit = new ServiceHost<AuditService>(
            ConnectionString, Servers.Amqp, VirtualHost, Clock,
            new Dictionary<string, string?> { [$"DecisionKeys:{DecisionKeyId}"] = DecisionKey.ExportSubjectPublicKeyInfoPem() });
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

    public async Task DisposeAsync()
    {
        await Declarations.DisposeAsync();
        await Audit.DisposeAsync();
        await Events.DisposeAsync();
        DecisionKey.Dispose();
        await Servers.DeleteVirtualHostAsync(VirtualHost);
    }
}
