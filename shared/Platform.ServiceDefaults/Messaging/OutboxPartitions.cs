using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>
/// The outbox partitions this instance publishes. Ownership is a PostgreSQL session advisory lock per partition, held
/// on a connection of its own for as long as the instance keeps it: a partition has at most one owner at a time, and
/// an instance that dies (process killed, connection lost) loses its partitions with its session. Every instance also
/// holds a shared "member" lock, so each can count the live instances and aim at its share, P divided by their number
/// rounded up: an instance above its share lets the extra partitions go (only between two batches, after their rows
/// are marked published), one below it takes partitions nobody holds. A dead instance's partitions are taken by the
/// others at their next <see cref="OutboxOptions.OwnershipInterval"/>.
/// </summary>
/// Only <see cref="OutboxDispatcher"/> changes ownership, from its own loop: a partition is never let go while a batch
/// that holds its rows is being published.
public sealed class OutboxPartitions(NpgsqlDataSource dataSource, IOptions<OutboxOptions> options, ILogger<OutboxPartitions> logger)
{
    /// <summary>First key of the shared lock every dispatching instance holds (second key 0).</summary>
    public const int MembersLockClass = 0x4F42_4D31; // "OBM1"

    /// <summary>First key of a partition's lock (second key: the partition number).</summary>
    public const int PartitionLockClass = 0x4F42_5031; // "OBP1"

    private NpgsqlConnection? connection;
    private volatile int[] owned = [];

    /// <summary>The partitions this instance holds now, in increasing order.</summary>
    public IReadOnlyList<int> Owned => owned;

    /// <summary>
    /// Takes or lets go of partitions so that this instance holds its share, reconnecting first if the session was
    /// lost (its locks with it). On a database error the instance holds nothing until the next refresh succeeds.
    /// </summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshOnceAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            if (owned.Length > 0)
            {
                logger.LogWarning(exception, "Lost the outbox partitions' session: publishing nothing until it is back");
            }

            owned = [];
            await DropConnectionAsync();
        }
    }

    /// <summary>Lets every partition go (the instance stops): the other instances take them at their next refresh.</summary>
    internal async Task ReleaseAllAsync()
    {
        owned = [];
        await DropConnectionAsync();
    }

    private async Task RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var partitions = options.Value.Partitions;
        if (connection is null)
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync("SELECT pg_advisory_lock_shared(@MembersLockClass, 0)", new { MembersLockClass });
        }

        // Live members and who holds what, seen from this database's lock table (a dead session holds nothing).
        var locks = (await connection.QueryAsync<(long ClassId, long ObjectId, int Pid)>(
            """
            SELECT classid::bigint, objid::bigint, pid
              FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 2
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid::bigint IN (@MembersLockClass, @PartitionLockClass)
            """,
            new { MembersLockClass, PartitionLockClass })).ToList();
        var members = Math.Max(1, locks.Count(l => l.ClassId == MembersLockClass));
        var share = (partitions + members - 1) / members;
        var held = locks.Where(l => l.ClassId == PartitionLockClass).Select(l => (int)l.ObjectId).ToHashSet();

        var mine = owned.ToList();
        var changes = new List<string>();
        // Partitions beyond P (P lowered while running) are let go first.
        foreach (var partition in mine.Where(p => p >= partitions).Concat(mine.Where(p => p < partitions).OrderDescending())
                     .Take(Math.Max(0, mine.Count - share)).ToList())
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@PartitionLockClass, @partition)", new { PartitionLockClass, partition });
            mine.Remove(partition);
            changes.Add($"-{partition}");
        }

        // Free partitions, starting from a place that depends on the session, so that instances starting together
        // seldom try the same ones (a failed try costs nothing: pg_try_advisory_lock does not wait).
        var start = connection.ProcessID % partitions;
        foreach (var partition in Enumerable.Range(0, partitions).Select(i => (start + i) % partitions).Where(p => !held.Contains(p)))
        {
            if (mine.Count >= share)
            {
                break;
            }

            if (await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@PartitionLockClass, @partition)", new { PartitionLockClass, partition }))
            {
                mine.Add(partition);
                changes.Add($"+{partition}");
            }
        }

        owned = [.. mine.Order()];
        if (changes.Count > 0)
        {
            logger.LogInformation(
                "Outbox partitions {Changes}: this instance publishes {Owned} of {Partitions} ({Members} instances dispatch)",
                string.Join(' ', changes), string.Join(',', owned), partitions, members);
        }
    }

    /// <summary>
    /// Closes the locks' connection, releasing its locks first: a pooled connection still open would keep them.
    /// A broken one is not pooled again, and its session's locks went with it.
    /// </summary>
    private async Task DropConnectionAsync()
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock_all()");
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogDebug(exception, "Could not release the outbox partitions explicitly: the session is gone");
        }

        await connection.DisposeAsync();
        connection = null;
    }
}
