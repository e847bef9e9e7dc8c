using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Recipient;

/// <summary>
/// The letters of the decisions taken about the signed-in recipient (CRPA L211-5, L212-1, L311-3-1), in their language,
/// each with who decided and how to contest it; saying « I received it » starts the two months of the prior appeal.
/// Under each sanction decision: the form of the prior appeal (RAPO, CASF L262-47) with the person's reasons and the
/// documents they join, then, once filed, the appeal's status, its deadlines, its outcome and its letters.
/// </summary>
public sealed class DecisionsModel(PlatformApi api) : PlatformPage(api)
{
    /// <summary>The kind of letter that carries a signed sanction, the only one an appeal contests.</summary>
    public const string SanctionApproved = "sanction-approved";

    [BindProperty]
    public Guid? LetterId { get; set; }

    [BindProperty]
    public Guid? DecisionId { get; set; }

    [BindProperty]
    public string? Reasons { get; set; }

    /// <summary>The references of the documents joined, one per line.</summary>
    [BindProperty]
    public string? Documents { get; set; }

    /// <summary>The decision whose appeal form was posted, so its problem shows beside it.</summary>
    public Guid? Form { get; private set; }

    public RecipientDecisionLetters? Letters { get; private set; }

    public RecipientAppeals? Appeals { get; private set; }

    public AppealView? AppealOf(DecisionLetterView letter) =>
        letter.DecisionId is { } decisionId ? Appeals?.Appeals.FirstOrDefault(appeal => appeal.SanctionDecisionId == decisionId) : null;

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

    public async Task<IActionResult> OnPostAppealAsync(CancellationToken cancellationToken)
    {
        var documents = (Documents ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await Api.Review(review => review.FileAppealAsync(
            Subject,
            Guid.NewGuid().ToString(),
            new FileAppealRequest { DecisionId = DecisionId, Reasons = Reasons, Documents = documents.Length == 0 ? null : documents },
            cancellationToken));
        if (!result.Succeeded)
        {
            Form = DecisionId ?? Guid.Empty;
            Problem = result.Problem;
            await LoadAsync(cancellationToken);
            return Page();
        }

        var appeal = result.Value!;
        return Done(
            Labels.T($"Votre recours préalable est enregistré le {Labels.Day(appeal.FiledOn)} et un accusé de réception vous est adressé. Sans réponse au {Labels.Day(appeal.ImplicitRejectionOn)}, il sera implicitement rejeté et vous pourrez saisir le tribunal administratif.",
                     $"Your prior appeal is recorded on {Labels.Day(appeal.FiledOn)} and an acknowledgement is sent to you. Without an answer by {Labels.Day(appeal.ImplicitRejectionOn)}, it is implicitly rejected and you may go to the administrative court."),
            "/recipient/decisions");
    }

    /// <summary>A decision letter as a PDF, in the person's language.</summary>
    public Task<IActionResult> OnGetLetterAsync(Guid letterId, CancellationToken cancellationToken) =>
        PdfAsync($"/api/recipients/{Uri.EscapeDataString(Subject)}/decision-letters/{letterId:D}.pdf?language={Labels.T("fr", "en")}", $"decision-{letterId:D}.pdf", cancellationToken);

    /// <summary>One of an appeal's letters (acknowledgement, decision, implicit rejection) as a PDF, in the person's language.</summary>
    public Task<IActionResult> OnGetAppealLetterAsync(Guid appealId, Guid letterId, CancellationToken cancellationToken) =>
        PdfAsync($"/api/recipients/{Uri.EscapeDataString(Subject)}/appeals/{appealId:D}/letters/{letterId:D}/pdf?language={Labels.T("fr", "en")}",
            $"appeal-{letterId:D}.pdf", cancellationToken);

    private async Task<IActionResult> PdfAsync(string path, string name, CancellationToken cancellationToken)
    {
        var result = await Api.ReviewPdf(path, cancellationToken);
        if (result.Succeeded)
        {
            return File(result.Value!, "application/pdf", name);
        }

        Problem = result.Problem;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        var language = Labels.T("fr", "en");
        Letters = Read(await Api.Review(review => review.ListDecisionLettersAsync(Subject, language, cancellationToken)));
        Appeals = Read(await Api.Review(review => review.ListAppealsAsync(Subject, cancellationToken)));
        Problem = problem ?? Problem;
    }
}
