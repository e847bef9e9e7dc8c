using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Contracts.Review;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Notices;

/// <summary>
/// Sends the notices' e-mails queued in <c>notice_emails</c> (written in the proposal's transaction: an outbox) through
/// the configured SMTP server: the notice as text, in French then English, the PDF letter attached, and the single-use
/// acknowledgement link. An e-mail the server does not take is retried later with a growing delay, so a server that is
/// down loses nothing. Delivery is at least once: an e-mail sent just before a crash may be sent again.
/// </summary>
public sealed class NoticeMailer(
    ServiceDatabase database, NoticeMailSignal signal, IOptions<NoticeOptions> options, IOptions<ReviewOptions> review, TimeProvider time,
    ILogger<NoticeMailer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.SmtpHost))
        {
            logger.LogWarning("No SMTP server is configured (Notices:SmtpHost): notice e-mails wait in their outbox");
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (await SendNextAsync(stoppingToken))
                    {
                    }
                }
                catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(exception, "The notice e-mail outbox could not be read; it is read again at the next interval");
                }

                await signal.WaitAsync(options.Value.MailPollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Tries the next due e-mail; false when none is due.</summary>
    public async Task<bool> SendNextAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        var due = await work.Connection.QuerySingleOrDefaultAsync<(Guid NoticeId, string Address, string? LinkToken, int Attempts)?>(
            """
            SELECT notice_id, address, link_token, attempts FROM notice_emails
            WHERE sent_at IS NULL AND next_attempt_at <= @now
            ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
            """,
            new { now },
            work.Transaction);
        if (due is not { } email)
        {
            return false;
        }

        try
        {
            await SendAsync(email.NoticeId, email.Address, email.LinkToken, cancellationToken);
            await work.Connection.ExecuteAsync(
                "UPDATE notice_emails SET sent_at = @now, attempts = attempts + 1, link_token = NULL, last_error = NULL WHERE notice_id = @NoticeId",
                new { email.NoticeId, now },
                work.Transaction);
            var caseId = await work.Connection.ExecuteScalarAsync<Guid>(
                "SELECT case_id FROM notices WHERE notice_id = @NoticeId", new { email.NoticeId }, work.Transaction);
            await CaseStore.AddHistoryAsync(work, [new(caseId, now, CaseHistoryAction.NoticeEmailed, SystemActors.Review, null)]);
            await work.CommitAsync(cancellationToken);
            logger.LogInformation("Notice {NoticeId} e-mailed", email.NoticeId);
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException
                                              or SslHandshakeException or AuthenticationException or TimeoutException)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(options.Value.MaxRetryDelay.TotalSeconds, 30 * Math.Pow(2, Math.Min(email.Attempts, 16))));
            await work.Connection.ExecuteAsync(
                """
                UPDATE notice_emails SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error WHERE notice_id = @NoticeId
                """,
                new { email.NoticeId, next = now + delay, error = exception.GetType().Name },
                work.Transaction);
            await work.CommitAsync(cancellationToken);
            logger.LogWarning("Notice {NoticeId} could not be e-mailed ({Error}); next attempt in {Delay}", email.NoticeId, exception.GetType().Name, delay);
        }

        return true;
    }

    private async Task SendAsync(Guid noticeId, string address, string? linkToken, CancellationToken cancellationToken)
    {
        var (found, proposal, notice) = (await NoticeStore.ReadAsync(database, noticeId, cancellationToken))!.Value;
        var window = review.Value.ObservationWindow;
        var french = NoticeLetter.Compose(notice, found, proposal, options.Value, window, "fr");
        var english = NoticeLetter.Compose(notice, found, proposal, options.Value, window, "en");
        var link = linkToken is null ? null : $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/notices/acknowledge?token={linkToken}";
        var text = new System.Text.StringBuilder();
        foreach (var letter in new[] { french, english })
        {
            text.AppendLine(letter.Title).AppendLine();
            foreach (var section in letter.Sections)
            {
                text.AppendLine(section.Heading.ToUpperInvariant()).AppendLine(section.Text).AppendLine();
            }

            if (link is not null)
            {
                text.AppendLine(letter.Language == "fr"
                        ? "Confirmez que vous avez reçu cet avis en ouvrant ce lien (il ne sert qu'une fois) :"
                        : "Confirm that you received this notice by opening this link (it works once):")
                    .AppendLine(link).AppendLine();
            }

            text.AppendLine("————————").AppendLine();
        }

        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = "Avis avant sanction : vos droits / Notice before a sanction: your rights";
        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add($"avis-{noticeId:D}.pdf", NoticePdf.Render(french, notice), new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();

        using var client = new SmtpClient();
        await client.ConnectAsync(options.Value.SmtpHost, options.Value.SmtpPort, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
