using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Recipient;

/// <summary>
/// "I meet my obligations again" (CASF L262-37 I): the recipient says so in their own words. It asks for a decision to
/// end a suspension; it moves no money by itself. The page lists their suspensions, their statements and each ending.
/// </summary>
public sealed class ObligationsModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty]
    public string? Text { get; set; }

    public RecipientSuspensions? Suspensions { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await Api.Review(review => review.StateObligationsMetAsync(Subject, new ObligationsMetRequest { Text = Text }, cancellationToken));
        if (!result.Succeeded)
        {
            Problem = result.Problem;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Done(
            Labels.T("Votre déclaration est enregistrée : une personne décidera s'il est mis fin à la suspension, et à partir de quel mois.",
                     "Your statement is saved: a person will decide whether the suspension ends, and from which month."),
            "/recipient/obligations");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        Suspensions = Read(await Api.Review(review => review.ListSuspensionsAsync(Subject, cancellationToken)));
        Problem = problem ?? Problem;
    }
}
