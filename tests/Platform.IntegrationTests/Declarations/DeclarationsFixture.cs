using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Platform.Declarations;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Declarations;

/// <summary>The declarations service on its own database and virtual host, with a probe on every event it publishes.</summary>
public sealed class DeclarationsFixture : IAsyncLifetime
{
    /// <summary>Thursday of week 2026-W48, 10:00 in Paris: the week is open, its deadline is next Tuesday 00:00.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public PlatformServers Servers { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public string VirtualHost { get; private set; } = null!;

    public ServiceHost<DeclarationsService> Service { get; private set; } = null!;

    public EventProbe Events { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(Now);

    public async Task InitializeAsync()
    {
        Servers = await PlatformServers.GetAsync();
        ConnectionString = await Servers.CreateDatabaseAsync("declarations");
        VirtualHost = await Servers.CreateVirtualHostAsync("declarations");
        Events = await EventProbe.StartAsync(Servers.Amqp, VirtualHost);
        Service = StartService();
        _ = Service.Server; // start now: migrations and bus, before the first test
    }

    public ServiceHost<DeclarationsService> StartService(IReadOnlyDictionary<string, string?>? settings = null) =>
        new(ConnectionString, Servers.Amqp, VirtualHost, Clock, settings);

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }

    public async Task DisposeAsync()
    {
        await (Service?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Events?.DisposeAsync() ?? ValueTask.CompletedTask);
        if (VirtualHost is not null)
        {
            await Servers.DeleteVirtualHostAsync(VirtualHost);
        }
    }
}
