using Platform.Web.Api;
using Platform.Web.Api.Audit;

namespace Platform.Web.Pages.Audit;

/// <summary>The audit log checked end to end by the audit service: chain, gaps, decisions without a human, flags not reproducible.</summary>
public sealed class VerificationModel(PlatformApi api) : PlatformPage(api)
{
    public VerificationAnswer? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Report = Read(await Api.Audit(audit => audit.VerifyAuditLogAsync(null, cancellationToken)));
}
