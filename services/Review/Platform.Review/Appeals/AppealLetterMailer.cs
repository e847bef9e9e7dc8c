using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Review.Letters;
using Platform.Review.Notices;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Appeals;

/// <summary>
/// Sends the appeals' letters queued in <c>appeal_letter_emails</c>, like the decision letters: the letter as text in
/// French then English, the French PDF attached.
/// </summary>
public sealed class AppealLetterMailer(
    ServiceDatabase database, IOptions<NoticeOptions> notices, IOptions<LetterOptions> letters, TimeProvider time, ILogger<AppealLetterMailer> logger)
    : QueuedMailer(database, notices, time, logger)
{
    protected override string Kind => "appeal letter";

    protected override Task<QueuedEmail?> NextDueAsync(ServiceTransaction work, DateTimeOffset now) => LetterEmailOutbox.AppealLetters.NextDueAsync(work, now);

    protected override Task MarkSentAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset now) =>
        LetterEmailOutbox.AppealLetters.MarkSentAsync(work, email.Id, now);

    protected override Task MarkFailedAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset nextAttempt, string failure) =>
        LetterEmailOutbox.AppealLetters.MarkFailedAsync(work, email.Id, nextAttempt, failure);

    protected override async Task<MimeMessage> ComposeAsync(QueuedEmail email, CancellationToken cancellationToken)
    {
        var (letter, appeal, delegation) = await AppealLetterSource.ReadAsync(Database, email.Id, cancellationToken)
            ?? throw new InvalidOperationException("A queued appeal letter vanished.");
        var french = AppealLetter.Compose(letter, appeal, delegation, letters.Value, Settings.PublicBaseUrl, "fr");
        var english = AppealLetter.Compose(letter, appeal, delegation, letters.Value, Settings.PublicBaseUrl, "en");
        var text = new System.Text.StringBuilder();
        foreach (var written in new[] { french, english })
        {
            AppendLetter(text, written.Title, written.Sections);
            text.AppendLine("————————").AppendLine();
        }

        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add(
            $"appeal-{email.Id:D}.pdf",
            LetterPdf.Render(french.Language, french.Title, french.Sections, letters.Value, appeal.RecipientId, letter.LetterId, letter.CreatedAt),
            new ContentType("application", "pdf"));
        return new MimeMessage { Subject = $"{french.Title} / {english.Title}", Body = body.ToMessageBody() };
    }
}

/// <summary>Everything an appeal's letter states: the letter, its appeal, and for a decision the delegation it was taken under.</summary>
internal static class AppealLetterSource
{
    public static async Task<(Domain.AppealLetterRecord Letter, Domain.Appeal Appeal, Domain.Delegation? Delegation)?> ReadAsync(
        ServiceDatabase database, Guid letterId, CancellationToken cancellationToken)
    {
        if (await AppealStore.LetterAsync(database, letterId, cancellationToken) is not { } letter
            || await AppealStore.FindAsync(database, letter.AppealId, cancellationToken) is not { } appeal)
        {
            return null;
        }

        var delegation = appeal.DelegationId is { } id ? await DelegationStore.FindAsync(database, id, cancellationToken) : null;
        return (letter, appeal, delegation);
    }
}
