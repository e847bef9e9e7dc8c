using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Audit;

namespace Platform.Web.Pages.Audit;

/// <summary>A recipient's declarations, flags, cases and allocation rebuilt from the audit log alone as they stood at an instant.</summary>
public sealed class ReplayModel(PlatformApi api, TimeProvider time) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Recipient { get; set; }

    /// <summary>As a datetime-local field sends it (yyyy-MM-ddTHH:mm[:ss]), read as UTC; now when not given.</summary>
    [BindProperty(SupportsGet = true)]
    public string? At { get; set; }

    public ReplayView? Result { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        At ??= time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        if (string.IsNullOrWhiteSpace(Recipient))
        {
            return;
        }

        var instant = DateTime.TryParse(At, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
            : At;
        var recipient = Recipient.Trim();
        Result = Read(await Api.Audit(audit => audit.ReplayRecipientAsync(instant, recipient, cancellationToken)));
    }
}
