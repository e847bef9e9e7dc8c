using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Review.Notices;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Letters;

/// <summary>
/// Sends the decision letters' e-mails queued in <c>decision_letter_emails</c> (written with the letter: an outbox)
/// through the notices' SMTP server: the letter as text in French then English, the French PDF attached. An e-mail the
/// server does not take is retried with a growing delay; delivery is at least once.
/// </summary>
public sealed class LetterMailer(
    ServiceDatabase database, IOptions<NoticeOptions> notices, IOptions<LetterOptions> letters, TimeProvider time, ILogger<LetterMailer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(notices.Value.SmtpHost))
        {
            logger.LogWarning("No SMTP server is configured (Notices:SmtpHost): decision letters' e-mails wait in their outbox");
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
                    logger.LogWarning(exception, "The decision letters' e-mail outbox could not be read; it is read again at the next interval");
                }

                // Real time, not the service's clock: a test's frozen clock must not stop the mailer.
                await Task.Delay(notices.Value.MailPollInterval, stoppingToken);
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
        if (await LetterStore.NextDueEmailAsync(work, now) is not { } email)
        {
            return false;
        }

        try
        {
            await SendAsync(email.LetterId, email.Address, cancellationToken);
            await LetterStore.MarkEmailSentAsync(work, email.LetterId, now);
            await work.CommitAsync(cancellationToken);
            logger.LogInformation("Decision letter {LetterId} e-mailed", email.LetterId);
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException
                                              or SslHandshakeException or AuthenticationException or TimeoutException)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(notices.Value.MaxRetryDelay.TotalSeconds, 30 * Math.Pow(2, Math.Min(email.Attempts, 16))));
            await LetterStore.MarkEmailFailedAsync(work, email.LetterId, now + delay, exception.GetType().Name);
            await work.CommitAsync(cancellationToken);
            logger.LogWarning("Decision letter {LetterId} could not be e-mailed ({Error}); next attempt in {Delay}", email.LetterId, exception.GetType().Name, delay);
        }

        return true;
    }

    private async Task SendAsync(Guid letterId, string address, CancellationToken cancellationToken)
    {
        var source = await LetterStore.ReadAsync(database, letterId, cancellationToken) ?? throw new InvalidOperationException("A queued letter vanished.");
        var baseUrl = notices.Value.PublicBaseUrl;
        var french = DecisionLetter.Compose(source, letters.Value, baseUrl, "fr");
        var english = DecisionLetter.Compose(source, letters.Value, baseUrl, "en");
        var text = new System.Text.StringBuilder();
        foreach (var letter in new[] { french, english })
        {
            text.AppendLine(letter.Title).AppendLine();
            foreach (var section in letter.Sections)
            {
                text.AppendLine(section.Heading.ToUpperInvariant()).AppendLine(section.Text).AppendLine();
            }

            text.AppendLine("————————").AppendLine();
        }

        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(notices.Value.From));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = $"{french.Title} / {english.Title}";
        var body = new BodyBuilder { TextBody = text.ToString() };
        body.Attachments.Add($"decision-{letterId:D}.pdf", DecisionLetterPdf.Render(french, source, letters.Value), new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();

        using var client = new SmtpClient();
        await client.ConnectAsync(notices.Value.SmtpHost, notices.Value.SmtpPort, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
