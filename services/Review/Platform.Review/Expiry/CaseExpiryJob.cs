using Dapper;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Cases;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Expiry;

/// <summary>
/// Closes every case nobody decided in time as <see cref="FlagExpired"/>: in the recipient's favour, never the
/// other way round. A pending proposal expires with its case. Runs on the injected clock.
/// </summary>
public sealed class CaseExpiryJob(ServiceDatabase database, TimeProvider time, IOptions<ReviewOptions> options, ILogger<CaseExpiryJob> logger)
    : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, time);
        try
        {
            do
            {
                try
                {
                    while (await ExpireBatchAsync(stoppingToken) == BatchSize)
                    {
                    }
                }
                catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(exception, "Case expiry sweep failed; it runs again at the next interval");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Expires up to <see cref="BatchSize"/> overdue cases; returns how many.</summary>
    public async Task<int> ExpireBatchAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        var overdue = (await work.Connection.QueryAsync<CaseRow>(
            $"{CaseRow.Select} WHERE state = ANY(@undecided) AND expires_at <= @now ORDER BY expires_at LIMIT @BatchSize FOR UPDATE SKIP LOCKED",
            new { undecided = CaseStates.Undecided, now, BatchSize },
            work.Transaction)).ToList();
        foreach (var row in overdue)
        {
            await work.Connection.ExecuteAsync(
                "UPDATE proposals SET state = 'expired', decided_at = @now WHERE case_id = @CaseId AND state = 'pending'",
                new { now, row.CaseId },
                work.Transaction);
            await CaseStore.SetStateAsync(work.Connection, work.Transaction, row.CaseId, CaseStates.Expired, row.ClaimedBy, now);
            await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, row.CaseId, now, "expired", "review", null);
            work.Publish(new FlagExpired(row.CaseId, row.FlagId, row.RecipientId, row.RuleId) { OccurredAt = now });
        }

        await work.CommitAsync(cancellationToken);
        if (overdue.Count > 0)
        {
            logger.LogInformation("Expired {Count} undecided cases in the recipients' favour", overdue.Count);
        }

        return overdue.Count;
    }
}
