using Dapper;
using Npgsql;

namespace Platform.Benchmarks;

/// <summary>
/// A database of a benchmark's own on the test PostgreSQL server (<c>PLATFORM_TEST_POSTGRES</c>, a role allowed to
/// create databases), with the platform's migrations and a service's, applied in file-name order as the service does;
/// dropped when disposed.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly string admin;
    private readonly string name;

    private BenchmarkDatabase(string admin, string name, NpgsqlDataSource dataSource)
    {
        this.admin = admin;
        this.name = name;
        DataSource = dataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<BenchmarkDatabase> CreateAsync(string prefix, string serviceMigrations)
    {
        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("PLATFORM_TEST_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=platform_test;Password=platform_test;Database=postgres") { CommandTimeout = 0 }.ConnectionString;
        var name = $"{prefix}_{DateTimeOffset.UtcNow:MMddHHmmss}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 32 }.ConnectionString);
        var database = new BenchmarkDatabase(admin, name, dataSource);
        try
        {
            DefaultTypeMap.MatchNamesWithUnderscores = true;
            await database.MigrateAsync(serviceMigrations);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private async Task MigrateAsync(string serviceMigrations)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Platform.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Run from inside the repository.");
        }

        await using var connection = await DataSource.OpenConnectionAsync();
        foreach (var folder in new[] { "shared/Platform.ServiceDefaults/Data/Migrations", serviceMigrations })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, folder), "*.sql").Order(StringComparer.Ordinal))
            {
                await connection.ExecuteAsync(await File.ReadAllTextAsync(file));
            }
        }
    }
}
