using System.Reflection;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.ServiceDefaults.Data;

/// <summary>
/// Applies the plain .sql files embedded under <c>Data/Migrations</c> — the platform's own first, then the
/// service's — once each, in file-name order, each in its own transaction. An advisory lock lets several
/// instances start together: one migrates, the others wait and find nothing left to do.
/// When <c>ConnectionStrings:Migrations</c> is set, migrations run under that role (the schema's owner) and the
/// service under <c>ConnectionStrings:Database</c>, a role that owns nothing; scripts read the latter's name from the
/// setting <c>platform.runtime_role</c> to grant it what it may do.
/// </summary>
internal sealed class MigrationRunner(NpgsqlDataSource dataSource, MigrationSources sources, MigrationOwner owner, ILogger<MigrationRunner> logger)
    : IHostedService
{
    private const long LockKey = 0x504C_4154_464F_524D; // "PLATFORM"

    /// <summary>How long a starting service waits for its database: in a deployment the database may start after it.</summary>
    private static readonly TimeSpan DatabaseWait = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT set_config('platform.runtime_role', @role, false)", new { role = owner.RuntimeRole });
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@LockKey)", new { LockKey });
        try
        {
            await connection.ExecuteAsync(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id          text        PRIMARY KEY,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """);
            var applied = (await connection.QueryAsync<string>("SELECT id FROM schema_migrations")).ToHashSet();
            foreach (var (id, sql) in sources.Scripts().Where(script => !applied.Contains(script.Id)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // A migration that moves data sees every row: row-level security holds even the tables' owner.
                await connection.ExecuteAsync("SELECT set_config('platform.scope', '*', true)", transaction: transaction);
                await connection.ExecuteAsync(sql, transaction: transaction);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (id) VALUES (@id)", new { id }, transaction);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", id);
            }
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Opens the migrations' connection, trying again while the database is unreachable or too slow to answer.</summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var giveUpAt = DateTime.UtcNow + DatabaseWait;
        for (var attempt = 1; ; attempt++)
        {
            var connection = owner.ConnectionString is { } ownerConnection
                ? new NpgsqlConnection(ownerConnection)
                : dataSource.CreateConnection();
            try
            {
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && DateTime.UtcNow < giveUpAt)
            {
                await connection.DisposeAsync();
                logger.LogWarning("The database did not answer (attempt {Attempt}); trying again", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt * 2, 10)), cancellationToken);
            }
        }
    }
}

/// <summary>The role migrations run as when it is not the service's own (null: the same), and the service's runtime role.</summary>
internal sealed record MigrationOwner(string? ConnectionString, string RuntimeRole);

/// <summary>The assemblies whose embedded <c>Data/Migrations/*.sql</c> files make up a service's schema.</summary>
internal sealed class MigrationSources(IReadOnlyList<Assembly> assemblies)
{
    public IEnumerable<(string Id, string Sql)> Scripts()
    {
        foreach (var assembly in assemblies)
        {
            var prefix = assembly.GetName().Name + ".Data.Migrations.";
            foreach (var resource in assembly.GetManifestResourceNames()
                         .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                yield return (assembly.GetName().Name + "/" + resource[prefix.Length..], reader.ReadToEnd());
            }
        }
    }
}
