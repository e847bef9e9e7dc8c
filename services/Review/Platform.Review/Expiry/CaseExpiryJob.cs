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
    : DeadlineSweep(time, options, logger)
{
    /// <summary>Expires a batch of overdue cases; returns how many.</summary>
    protected override async Task<int> SweepBatchAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
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
            Logger.LogInformation("Expired {Count} undecided cases in the recipients' favour", overdue.Count);
        }

        return overdue.Count;
    }
}
