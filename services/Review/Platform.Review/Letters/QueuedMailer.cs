using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Platform.Review.Notices;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Letters;

/// <summary>An e-mail waiting in one of Review's e-mail outboxes; <paramref name="LinkToken"/> only for a notice.</summary>
public sealed record QueuedEmail(Guid Id, string Address, string? LinkToken, int Attempts);

/// <summary>
/// Sends the e-mails of one outbox table (written in the transaction that made their letter) through the configured
/// SMTP server (<c>Notices:Smtp*</c>), one due e-mail at a time, claimed with <c>FOR UPDATE SKIP LOCKED</c> so that
/// instances never send the same one at once. An e-mail the server does not take is retried later with a growing
/// delay, so a server that is down loses nothing. Delivery is at least once: an e-mail sent just before a crash may be
/// sent again. Each kind of letter says how its outbox is read and marked, and what its e-mail holds.
/// </summary>
public abstract class QueuedMailer(ServiceDatabase database, IOptions<NoticeOptions> smtp, TimeProvider time, ILogger logger)
    : BackgroundService
{
    protected ServiceDatabase Database { get; } = database;

    /// <summary>The notices' settings, which every letter's e-mail shares: the SMTP server, the sender, the public address of links.</summary>
    protected NoticeOptions Settings => smtp.Value;

    /// <summary>What the e-mails carry, for the logs ("notice", "decision letter").</summary>
    protected abstract string Kind { get; }

    /// <summary>The next due e-mail, locked for <paramref name="work"/>; null when none is due.</summary>
    protected abstract Task<QueuedEmail?> NextDueAsync(ServiceTransaction work, DateTimeOffset now);

    protected abstract Task<MimeMessage> ComposeAsync(QueuedEmail email, CancellationToken cancellationToken);

    protected abstract Task MarkSentAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset now);

    protected abstract Task MarkFailedAsync(ServiceTransaction work, QueuedEmail email, DateTimeOffset nextAttempt, string failure);

    /// <summary>Waits for the next round. Real time, not the service's clock: a test's frozen clock must not stop the mailer.</summary>
    protected virtual Task WaitAsync(TimeSpan interval, CancellationToken cancellationToken) => Task.Delay(interval, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(Settings.SmtpHost))
        {
            logger.LogWarning("No SMTP server is configured (Notices:SmtpHost): {Kind} e-mails wait in their outbox", Kind);
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
                    logger.LogWarning(exception, "The {Kind} e-mail outbox could not be read; it is read again at the next interval", Kind);
                }

                await WaitAsync(Settings.MailPollInterval, stoppingToken);
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
        await using var work = await Database.BeginAsync(cancellationToken);
        if (await NextDueAsync(work, now) is not { } email)
        {
            return false;
        }

        try
        {
            using var message = await ComposeAsync(email, cancellationToken);
            message.From.Add(MailboxAddress.Parse(Settings.From));
            message.To.Add(MailboxAddress.Parse(email.Address));
            using var client = new SmtpClient();
            await client.ConnectAsync(Settings.SmtpHost, Settings.SmtpPort, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            await MarkSentAsync(work, email, now);
            await work.CommitAsync(cancellationToken);
            logger.LogInformation("The {Kind} {Id} was e-mailed", Kind, email.Id);
        }
        catch (Exception exception) when (exception is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException
                                              or SslHandshakeException or AuthenticationException or TimeoutException)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(Settings.MaxRetryDelay.TotalSeconds, 30 * Math.Pow(2, Math.Min(email.Attempts, 16))));
            await MarkFailedAsync(work, email, now + delay, exception.GetType().Name);
            await work.CommitAsync(cancellationToken);
            logger.LogWarning("The {Kind} {Id} could not be e-mailed ({Error}); next attempt in {Delay}", Kind, email.Id, exception.GetType().Name, delay);
        }

        return true;
    }

    /// <summary>A letter as e-mail text: its title, then each section under its heading in capitals.</summary>
    protected static void AppendLetter(System.Text.StringBuilder text, string title, IEnumerable<NoticeSection> sections)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sections);
        text.AppendLine(title).AppendLine();
        foreach (var section in sections)
        {
            text.AppendLine(section.Heading.ToUpperInvariant()).AppendLine(section.Text).AppendLine();
        }
    }
}
