using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Stores;
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
        var overdue = await ReviewLocks.OverdueCasesAsync(work, now, BatchSize);
        foreach (var found in overdue)
        {
            var pending = await ReviewLocks.PendingProposalAsync(work, found);
            await ReviewChanges.SaveAsync(work, found.Expire(pending, now).Change!);
        }

        await work.CommitAsync(cancellationToken);
        if (overdue.Count > 0)
        {
            logger.LogInformation("Expired {Count} undecided cases in the recipients' favour", overdue.Count);
        }

        return overdue.Count;
    }
}
