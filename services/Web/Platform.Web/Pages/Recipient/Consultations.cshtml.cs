using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Audit;

namespace Platform.Web.Pages.Recipient;

/// <summary>
/// Who consulted the signed-in person's file (GDPR art. 15): every read by a counsellor or supervisor, recorded by the
/// service before it answered, and every auditor query about them, newest first, a page at a time.
/// </summary>
public sealed class ConsultationsModel(PlatformApi api) : PlatformPage(api)
{
    public const int PageSize = 20;

    /// <summary>The page's <c>next</c> cursor from the audit service: the consultations before that instant.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public ConsultationPage? Consultations { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Consultations = Read(await Api.Audit(audit => audit.ListConsultationsAsync(Subject, Before, PageSize, cancellationToken)));
}
