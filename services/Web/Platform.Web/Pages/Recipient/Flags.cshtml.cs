using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Recipient;

/// <summary>Every flag about the signed-in recipient, in plain words, and the form to answer one (an observation).</summary>
public sealed class FlagsModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public Guid? FlagId { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    /// <summary>The person also says they have nothing to add: the answer window of a pending proposal closes now.</summary>
    [BindProperty]
    public bool NothingToAdd { get; set; }

    public RecipientFlags? Flags { get; private set; }

    public CrpaExplanation? Explanation { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (FlagId is not { } flagId)
        {
            return Redirect("/recipient/flags");
        }

        var result = await Api.Review(review => review.SendObservationAsync(Subject, flagId, null, new ObservationRequest { Text = Text, NothingToAdd = NothingToAdd }, cancellationToken));
        if (!result.Succeeded)
        {
            Problem = result.Problem;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Done(
            Labels.T("Votre réponse est enregistrée : le conseiller la lira avant toute décision.", "Your answer is saved: the counsellor will read it before any decision."),
            $"/recipient/flags/{flagId}");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Flags = Read(await Api.Review(review => review.ListRecipientFlagsAsync(Subject, cancellationToken)));
        if (FlagId is { } flagId)
        {
            Explanation = Read(await Api.Review(review => review.ExplainRecipientFlagAsync(Subject, flagId, cancellationToken)));
        }
    }
}
