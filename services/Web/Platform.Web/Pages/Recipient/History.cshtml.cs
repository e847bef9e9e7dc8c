using Microsoft.AspNetCore.Mvc;
using Platform.Rules.Calendar;
using Platform.Web.Api;
using Platform.Web.Api.Declarations;

namespace Platform.Web.Pages.Recipient;

/// <summary>Past weeks with their latest version; one week with every version, oldest first.</summary>
public sealed class HistoryModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Week { get; set; }

    public DeclarationList? Weeks { get; private set; }

    public DeclarationWithVersions? Declaration { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Week is null)
        {
            Weeks = Read(await Api.Declarations(declarations => declarations.ListDeclarationsAsync(Subject, null, null, cancellationToken)));
            return Page();
        }

        if (!IsoWeek.TryParse(Week, out var week))
        {
            return Redirect("/recipient/history");
        }

        Declaration = Read(await Api.Declarations(declarations => declarations.GetDeclarationAsync(Subject, week.ToString(), cancellationToken)));
        return Page();
    }
}
