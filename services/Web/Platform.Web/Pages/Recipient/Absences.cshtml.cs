using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Declarations;

namespace Platform.Web.Pages.Recipient;

/// <summary>
/// Justified absences (motif légitime, CASF R262-68-6): the recipient declares the weeks they could not meet their
/// engagement and why; a counsellor accepts or refuses each. The page lists theirs with each decision and its reason.
/// </summary>
public sealed class AbsencesModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty]
    public string? FromWeek { get; set; }

    [BindProperty]
    public string? ToWeek { get; set; }

    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? Details { get; set; }

    [BindProperty]
    public string? DocumentReference { get; set; }

    public AbsenceList? Absences { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var request = new DeclareAbsenceRequest
        {
            FromWeek = FromWeek?.Trim(),
            ToWeek = ToWeek?.Trim(),
            Kind = Kind,
            Details = Details,
            DocumentReference = string.IsNullOrWhiteSpace(DocumentReference) ? null : DocumentReference.Trim(),
        };
        var result = await Api.Declarations(declarations => declarations.DeclareAbsenceAsync(Subject, null, request, cancellationToken));
        if (!result.Succeeded)
        {
            Problem = result.Problem;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Done(
            Labels.T("Votre absence est déclarée : un conseiller ou une conseillère l'acceptera ou la refusera, avec sa raison.",
                     "Your absence is declared: a counsellor will accept or refuse it, with their reason."),
            "/recipient/absences");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        Absences = Read(await Api.Declarations(declarations => declarations.ListAbsencesAsync(Subject, cancellationToken)));
        Problem = problem ?? Problem;
    }
}
