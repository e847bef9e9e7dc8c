using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Review.Notices;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Letters;

/// <summary>
/// Sends the decision letters' e-mails queued in <c>decision_letter_emails</c>: the letter as text in French then
/// English, the French PDF attached.
/// </summary>
public sealed class LetterMailer(
    ServiceDatabase database, IOptions<NoticeOptions> notices, IOptions<LetterOptions> letters, TimeProvider time, ILogger<LetterMailer> logger)
    : QueuedMailer(database, notices, time, logger)
{
    protected override string Kind => "decision letter";

    protected override Task<QueuedEmail?> NextDueAsync(ServiceTransaction work, DateTimeOffset now) => LetterEmailOutbox.DecisionLetters.NextDueAsync(work, now);

    protected override Task MarkSentAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset now) =>
        LetterEmailOutbox.DecisionLetters.MarkSentAsync(work, email.Id, now);

    protected override Task MarkFailedAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset nextAttempt, string failure) =>
        LetterEmailOutbox.DecisionLetters.MarkFailedAsync(work, email.Id, nextAttempt, failure);

    protected override async Task<MimeMessage> ComposeAsync(QueuedEmail email, CancellationToken cancellationToken)
    {
        var source = await LetterStore.ReadAsync(Database, email.Id, cancellationToken) ?? throw new InvalidOperationException("A queued letter vanished.");
        var baseUrl = Settings.PublicBaseUrl;
        var french = DecisionLetter.Compose(source, letters.Value, baseUrl, "fr");
        var english = DecisionLetter.Compose(source, letters.Value, baseUrl, "en");
        var text = new System.Text.StringBuilder();
        foreach (var letter in new[] { french, english })
        {
            AppendLetter(text, letter.Title, letter.Sections);
            text.AppendLine("————————").AppendLine();
        }

        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add($"decision-{email.Id:D}.pdf", DecisionLetterPdf.Render(french, source, letters.Value), new ContentType("application", "pdf"));
        return new MimeMessage { Subject = $"{french.Title} / {english.Title}", Body = body.ToMessageBody() };
    }
}
