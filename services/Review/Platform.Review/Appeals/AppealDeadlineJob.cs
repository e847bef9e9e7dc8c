using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Expiry;
using Platform.Review.Stores;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Appeals;

/// <summary>
/// Records the implicit rejection of every appeal left two months without an outcome (CASF R262-88 and following), and
/// writes the letter that tells the person the tribunal administratif may now be seized, and until when. Runs on the
/// injected clock, at the case expiry's interval. A person may still decide the appeal afterwards.
/// </summary>
public sealed class AppealDeadlineJob(ServiceDatabase database, TimeProvider time, IOptions<ReviewOptions> options, ILogger<AppealDeadlineJob> logger)
    : DeadlineSweep(time, options, logger)
{
    /// <summary>Records a batch of implicit rejections due today (Paris); returns how many.</summary>
    protected override async Task<int> SweepBatchAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        var overdue = await AppealStore.OverdueAsync(work, WeekCalendar.TodayIn(now), BatchSize);
        foreach (var appeal in overdue)
        {
            await AppealStore.MarkImplicitlyRejectedAsync(work, appeal.AppealId, now);
            await AppealDelivery.IssueAsync(work, appeal with { ImplicitlyRejectedAt = now }, AppealLetterKind.ImplicitlyRejected, now);
            work.Publish(new AppealImplicitlyRejected(
                appeal.AppealId, appeal.SanctionDecisionId, appeal.RecipientId, Iso(appeal.ImplicitRejectionOn), Iso(appeal.TribunalByAfterImplicitRejection))
            {
                OccurredAt = now,
            });
        }

        await work.CommitAsync(cancellationToken);
        if (overdue.Count > 0)
        {
            Logger.LogInformation("Recorded {Count} implicit rejections of prior appeals", overdue.Count);
        }

        return overdue.Count;
    }

    internal static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
