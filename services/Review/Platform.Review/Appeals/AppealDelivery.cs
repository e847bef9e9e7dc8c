using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Appeals;

/// <summary>An appeal's letter, written in the transaction of what it tells, and its e-mail queued when the person gave an address.</summary>
internal static class AppealDelivery
{
    /// <returns>The letter as issued.</returns>
    public static async Task<AppealLetterRecord> IssueAsync(ServiceTransaction work, Appeal appeal, string kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(appeal);
        var letter = new AppealLetterRecord(Guid.CreateVersion7(now), appeal.AppealId, kind, now);
        await AppealStore.InsertLetterAsync(work, letter);
        work.Publish(new DecisionLetterIssued(
            letter.LetterId, appeal.RecipientId, kind, kind == AppealLetterKind.Decided ? appeal.AppealDecisionId : null, null, appeal.AppealId) { OccurredAt = now });
        if (await NoticeStore.ContactAsync(work, appeal.RecipientId) is { } address)
        {
            await LetterEmailOutbox.AppealLetters.QueueAsync(work, letter.LetterId, address, now);
        }

        return letter;
    }
}
