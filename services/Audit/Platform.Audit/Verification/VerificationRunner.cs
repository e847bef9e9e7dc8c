using System.ComponentModel.DataAnnotations;
using System.Data;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Checkpoints;
using Platform.Audit.Log;

namespace Platform.Audit.Verification;

/// <summary>Configuration <c>Audit:Verification</c>: how often the whole log is verified in the background.</summary>
public sealed class VerificationOptions
{
    public const string Section = "Audit:Verification";

    /// <summary>Time between two runs (the first one this long after the service starts; earlier runs stay in the database).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "24855.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Workers checking the partitions' chains at once, besides the thread reading the log: by default one per processor
    /// but the reader's; 1 checks them on the reading thread (on two cores the workers' copies cost more than they save).
    /// </summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);
}

/// <summary>
/// Verifies the whole log in the background, one run at a time across instances (a PostgreSQL advisory lock), and
/// records each run in <c>audit_verification_run</c>: the position it reached and the head hash there, when it started and
/// finished, what it found, and the verifier's state at that position. <c>GET /api/audit/verification</c> serves the last
/// completed run and checks only what was appended since, resuming from that state.
/// </summary>
public sealed class VerificationRunner(
    NpgsqlDataSource dataSource,
    DecisionKeys keys,
    PublisherPolicy publishers,
    VerificationSources sources,
    FlagReproduction reproduce,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<VerificationRunner> logger) : BackgroundService
{
    /// <summary>The advisory lock (two-key form) held by the instance running a verification.</summary>
    public const int LockClass = 0x61756469; // "audi"

    public const int LockObject = 0x74766572; // "tver"

    private long entriesDone = -1;

    /// <summary>Entries checked so far by the run going on in this instance; null when none is.</summary>
    public long? EntriesDone => Interlocked.Read(ref entriesDone) is var done && done >= 0 ? done : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.Interval, stoppingToken);
                await RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Whatever went wrong (the database away), the next run is tried at the next interval.
                logger.LogWarning(exception, "Background verification of the audit log failed; the next run is in {Interval}", options.Value.Interval);
            }
        }
    }

    /// <summary>
    /// Verifies the whole log now and records the run; returns its id, or null when another instance is running one.
    /// What the log holds never fails a run (violations are its result); a failure to run is recorded as <c>failed</c>.
    /// </summary>
    public async Task<long?> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@LockClass, @LockObject)", new { LockClass, LockObject }))
        {
            return null;
        }

        try
        {
            var total = await connection.ExecuteScalarAsync<long>("SELECT position FROM audit_head");
            var id = await connection.ExecuteScalarAsync<long>(
                "INSERT INTO audit_verification_run (status, started_at, entries_total) VALUES ('running', @startedAt, @total) RETURNING id",
                new { startedAt = time.GetUtcNow(), total });
            Interlocked.Exchange(ref entriesDone, 0);
            try
            {
                await RecordAsync(connection, id, cancellationToken);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                await connection.ExecuteAsync(
                    "UPDATE audit_verification_run SET status = 'failed', finished_at = @finishedAt, error = @error WHERE id = @id",
                    new { id, finishedAt = time.GetUtcNow(), error = exception.GetType().Name });
                throw;
            }

            return id;
        }
        finally
        {
            Interlocked.Exchange(ref entriesDone, -1);
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockClass, @LockObject)", new { LockClass, LockObject });
        }
    }

    private async Task RecordAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken)
    {
        VerifierState state;
        VerificationReport report;
        await using (var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken))
        {
            var heads = await RawLogScanner.HeadsAsync(connection, snapshot, cancellationToken);
            using var verifier = new LogVerifier(keys, reproduce, publishers: publishers);
            await sources.ApplyAsync(verifier, connection, snapshot);
            await RawLogScanner.ScanPartitionsAsync(
                connection, new Dictionary<int, long>(), verifier, options.Value.Parallelism, done => Interlocked.Exchange(ref entriesDone, done), cancellationToken);
            await snapshot.CommitAsync(cancellationToken);
            state = verifier.Snapshot();
            report = verifier.Complete(heads);
        }

        await connection.ExecuteAsync(
            """
            UPDATE audit_verification_run
            SET status = 'completed', position = @position, head_hash = @headHash, finished_at = @finishedAt,
                report = @report::jsonb, violation_count = @violations, state = @state::jsonb
            WHERE id = @id
            """,
            new
            {
                id,
                position = state.LastPosition,
                headHash = Convert.FromHexString(state.LastHash),
                finishedAt = time.GetUtcNow(),
                report = JsonSerializer.Serialize(report, EventTypes.Json),
                violations = report.Violations.Count,
                state = JsonSerializer.Serialize(state, EventTypes.Json),
            });
        logger.LogInformation(
            "Verified the audit log up to position {Position}: {Violations} violation(s)", state.LastPosition, report.Violations.Count);
    }
}

/// <summary>A completed background run as the API serves it.</summary>
public sealed record VerificationRunView(long Id, long Position, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int Violations);

/// <summary>A run going on: when it started and how far it is (entries done is known only on the instance running it).</summary>
public sealed record VerificationProgressView(DateTimeOffset StartedAt, long EntriesTotal, long? EntriesDone);

/// <summary>The stored runs, read in the caller's snapshot.</summary>
public static class VerificationRuns
{
    public sealed record StoredRun(long Id, long Position, byte[] HeadHash, DateTime StartedAt, DateTime FinishedAt, int ViolationCount, string State)
    {
        public VerificationRunView View() => new(Id, Position, Utc(StartedAt), Utc(FinishedAt), ViolationCount);

        public VerifierState ReadState() =>
            JsonSerializer.Deserialize<VerifierState>(State, EventTypes.Json) ?? throw new InvalidDataException($"Verification run {Id} has no state.");
    }

    public static Task<StoredRun?> LastCompletedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        connection.QuerySingleOrDefaultAsync<StoredRun?>(
            """
            SELECT id, position, head_hash AS HeadHash, started_at AS StartedAt, finished_at AS FinishedAt,
                   violation_count AS ViolationCount, state::text AS State
            FROM audit_verification_run WHERE status = 'completed' ORDER BY id DESC LIMIT 1
            """,
            transaction: transaction);

    /// <summary>
    /// True when the log still extends <paramref name="state"/> (a stored run's): in every partition the run reached, the
    /// head is at or past where the run stopped and the entry there still carries the hash the run recorded. Otherwise
    /// (a tail cut, a rewrite re-hashed up to the head) the log is verified whole.
    /// </summary>
    public static async Task<bool> ExtendsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, VerifierState state, IReadOnlyList<PartitionHead> heads)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(heads);
        foreach (var partition in Reached(state).Where(p => p.LastPosition > 0))
        {
            if (heads.FirstOrDefault(h => h.Partition == partition.Partition) is not { } head || head.Position < partition.LastPosition)
            {
                return false;
            }

            var hash = await connection.ExecuteScalarAsync<byte[]?>(
                "SELECT entry_hash FROM audit_log WHERE partition = @Partition AND position = @LastPosition",
                new { partition.Partition, partition.LastPosition }, transaction);
            if (hash is null || !Convert.ToHexStringLower(hash).Equals(partition.LastHash, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where a stored run stopped in each partition (a run from before partitions: in the one chain, partition 0).</summary>
    public static IReadOnlyList<PartitionState> Reached(VerifierState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Partitions ?? [new PartitionState(0, state.LastPosition, state.LastHash, state.LastMatchedCheckpoint, Legacy: true)];
    }

    /// <summary>The run going on, if the newest run is running and its instance still holds the lock.</summary>
    public static async Task<VerificationProgressView?> RunningAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long? entriesDoneHere)
    {
        var running = await connection.QuerySingleOrDefaultAsync<RunningRow>(
            $"""
            SELECT started_at AS StartedAt, entries_total AS EntriesTotal FROM audit_verification_run r
            WHERE r.status = 'running'
              AND r.id = (SELECT max(id) FROM audit_verification_run)
              AND EXISTS (SELECT FROM pg_locks l
                          WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = {VerificationRunner.LockClass}
                            AND l.objid::bigint = {VerificationRunner.LockObject} AND l.objsubid = 2
                            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """,
            transaction: transaction);
        return running is { } found ? new VerificationProgressView(Utc(found.StartedAt), found.EntriesTotal, entriesDoneHere) : null;
    }

    private sealed record RunningRow(DateTime StartedAt, long EntriesTotal);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
