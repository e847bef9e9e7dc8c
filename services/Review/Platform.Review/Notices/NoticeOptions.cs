namespace Platform.Review.Notices;

/// <summary>How notices reach people (section <c>Notices</c>): whom to contact, and the SMTP server that sends the e-mails.</summary>
public sealed class NoticeOptions
{
    public const string Section = "Notices";

    /// <summary>The contact line of every notice, in French.</summary>
    public string ContactFr { get; set; } = "Pour toute question, écrivez à votre conseiller dans l'application ou appelez le service RSA de votre département.";

    /// <summary>The contact line of every notice, in English.</summary>
    public string ContactEn { get; set; } = "For any question, write to your counsellor in the application or call your département's RSA service.";

    /// <summary>The SMTP server's host; empty: no e-mail is sent, notices wait in the e-mail outbox until one is configured.</summary>
    public string SmtpHost { get; set; } = "";

    public int SmtpPort { get; set; } = 25;

    /// <summary>The sender of the notices' e-mails.</summary>
    public string From { get; set; } = "ne-pas-repondre@xp-rsa.example";

    /// <summary>Where the recipient's browser reaches this service's API: the e-mail's acknowledgement link starts with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5103";

    /// <summary>How often the e-mail outbox is looked at when nothing wakes it.</summary>
    public TimeSpan MailPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts at an e-mail the SMTP server refused or could not take.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    public static bool IsValid(NoticeOptions options) =>
        options.SmtpPort is > 0 and < 65536
        && Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out _)
        && options.MailPollInterval > TimeSpan.Zero
        && options.MaxRetryDelay > TimeSpan.Zero
        && !string.IsNullOrWhiteSpace(options.From);
}
