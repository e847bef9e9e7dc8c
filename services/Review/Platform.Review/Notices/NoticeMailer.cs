using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Contracts.Review;
using Platform.Review.Letters;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Notices;

/// <summary>
/// Sends the notices' e-mails queued in <c>notice_emails</c> (written in the proposal's transaction): the notice as
/// text, in French then English, the PDF letter attached, and the single-use acknowledgement link, erased once sent.
/// </summary>
public sealed class NoticeMailer(
    ServiceDatabase database, NoticeMailSignal signal, IOptions<NoticeOptions> options, IOptions<ReviewOptions> review, TimeProvider time,
    ILogger<NoticeMailer> logger) : QueuedMailer(database, options, time, logger)
{
    protected override string Kind => "notice";

    /// <summary>Woken as soon as a proposal queues its notice's e-mail, not only at the next interval.</summary>
    protected override async Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken) => await signal.WaitAsync(interval, cancellationToken);

    protected override Task<QueuedEmail?> NextDueAsync(ServiceTransaction work, DateTimeOffset now) => NoticeStore.NextDueEmailAsync(work, now);

    protected override async Task MarkSentAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset now)
    {
        var caseId = await NoticeStore.MarkEmailSentAsync(work, email.Id, now);
        await CaseStore.AddHistoryAsync(work, [new(caseId, now, CaseHistoryAction.NoticeEmailed, SystemActors.Review, null)]);
    }

    protected override Task MarkFailedAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset nextAttempt, string failure) =>
        NoticeStore.MarkEmailFailedAsync(work, email.Id, nextAttempt, failure);

    protected override async Task<MimeMessage> ComposeAsync(QueuedEmail email, CancellationToken cancellationToken)
    {
        var (found, proposal, notice) = (await NoticeStore.ReadAsync(Database, email.Id, cancellationToken))!.Value;
        var window = review.Value.ObservationWindow;
        var french = NoticeLetter.Compose(notice, found, proposal, Settings, window, "fr");
        var english = NoticeLetter.Compose(notice, found, proposal, Settings, window, "en");
        var link = email.LinkToken is null ? null : $"{Settings.PublicBaseUrl.TrimEnd('/')}/api/notices/acknowledge?token={email.LinkToken}";
        var text = new System.Text.StringBuilder();
        foreach (var letter in new[] { french, english })
        {
            AppendLetter(text, letter.Title, letter.Sections);
            if (link is not null)
            {
                text.AppendLine(letter.Language == "fr"
                        ? "Confirmez que vous avez reçu cet avis en ouvrant ce lien (il ne sert qu'une fois) :"
                        : "Confirm that you received this notice by opening this link (it works once):")
                    .AppendLine(link).AppendLine();
            }

            text.AppendLine("————————").AppendLine();
        }

        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add($"avis-{email.Id:D}.pdf", NoticePdf.Render(french, notice), new ContentType("application", "pdf"));
        return new MimeMessage { Subject = "Avis avant sanction : vos droits / Notice before a sanction: your rights", Body = body.ToMessageBody() };
    }
}
