using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Recipient;

/// <summary>
/// The letters of the decisions taken about the signed-in recipient (CRPA L211-5, L212-1, L311-3-1), in their language,
/// each with who decided and how to contest it; saying « I received it » starts the two months of the prior appeal.
/// </summary>
public sealed class DecisionsModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty]
    public Guid? LetterId { get; set; }

    public RecipientDecisionLetters? Letters { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (LetterId is not { } letterId)
        {
            return Redirect("/recipient/decisions");
        }

        var result = await Api.Review(review => review.AcknowledgeDecisionLetterAsync(Subject, letterId, Guid.NewGuid().ToString(), cancellationToken));
        if (!result.Succeeded)
        {
            Problem = result.Problem;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Done(
            Labels.T("La réception de la lettre est enregistrée : vous avez deux mois pour former un recours préalable.",
                     "The letter's receipt is recorded: you have two months to make a prior appeal."),
            "/recipient/decisions");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "fr";
        Letters = Read(await Api.Review(review => review.ListDecisionLettersAsync(Subject, language, cancellationToken)));
        Problem = problem ?? Problem;
    }
}
