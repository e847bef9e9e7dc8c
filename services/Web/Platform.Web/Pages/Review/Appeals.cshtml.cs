using Microsoft.AspNetCore.Mvc;
using Platform.Contracts.Review;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Review;

/// <summary>
/// The prior appeals (RAPO) awaiting a decision, oldest first, each with its date of implicit rejection and its late mark;
/// one appeal's page, where a counsellor or supervisor who took no part in the sanction records the commission's opinion
/// and decides (confirmed, reduced with the new share and length, or annulled, with reasons); and the form to record an
/// appeal received by post, with its date of receipt. The review service refuses (403) the proposer or the approver.
/// </summary>
public sealed class AppealsModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public Guid? AppealId { get; set; }

    [BindProperty]
    public string? Opinion { get; set; }

    [BindProperty]
    public string? Outcome { get; set; }

    [BindProperty]
    public int? Percent { get; set; }

    [BindProperty]
    public int? Months { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Recipient { get; set; }

    [BindProperty]
    public Guid? DecisionId { get; set; }

    [BindProperty]
    public string? Reasons { get; set; }

    /// <summary>The references of the documents joined to a paper appeal, one per line.</summary>
    [BindProperty]
    public string? Documents { get; set; }

    [BindProperty]
    public string? ReceivedOn { get; set; }

    /// <summary>Which form the last post came from ("opinion", "decide" or "paper"), so its problem shows beside it.</summary>
    public string? Form { get; private set; }

    public AppealQueue? Queue { get; private set; }

    /// <summary>The appeal of this page's address, while it awaits a decision.</summary>
    public AppealView? Appeal { get; private set; }

    public static IReadOnlyList<string> Outcomes { get; } = [AppealOutcome.Confirmed, AppealOutcome.Reduced, AppealOutcome.Annulled];

    private string Here => AppealId is { } id ? $"/review/appeals/{id:D}" : "/review/appeals";

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostOpinionAsync(CancellationToken cancellationToken)
    {
        var result = await Api.Review(review => review.RecordAppealCommissionOpinionAsync(
            AppealId ?? Guid.Empty, new CommissionOpinionRequest { Opinion = Opinion }, cancellationToken));
        return result.Succeeded
            ? Done(Labels.T("L'avis de la commission est enregistré.", "The commission's opinion is recorded."), Here)
            : await FailedAsync("opinion", result.Problem!, cancellationToken);
    }

    public async Task<IActionResult> OnPostDecideAsync(CancellationToken cancellationToken)
    {
        var reduced = Outcome == AppealOutcome.Reduced;
        var result = await Api.Review(review => review.DecideAppealAsync(
            AppealId ?? Guid.Empty,
            new DecideAppealRequest { Outcome = Outcome, Percent = reduced ? Percent : null, Months = reduced ? Months : null, Reason = Reason },
            cancellationToken));
        if (!result.Succeeded)
        {
            return await FailedAsync("decide", result.Problem!, cancellationToken);
        }

        var decided = result.Value!;
        return Done(
            Labels.T($"Recours de {decided.RecipientId} décidé et signé (clé {decided.KeyId}) : {Labels.AppealStatus(decided.Status)}. La lettre de décision est adressée à l'allocataire.",
                     $"Appeal of {decided.RecipientId} decided and signed (key {decided.KeyId}): {Labels.AppealStatus(decided.Status)}. The decision letter is sent to the recipient."),
            "/review/appeals");
    }

    public async Task<IActionResult> OnPostPaperAsync(CancellationToken cancellationToken)
    {
        var documents = (Documents ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await Api.Review(review => review.FilePaperAppealAsync(
            Guid.NewGuid().ToString(),
            new PaperAppealRequest
            {
                RecipientId = Recipient?.Trim(),
                DecisionId = DecisionId,
                Reasons = Reasons,
                Documents = documents.Length == 0 ? null : documents,
                ReceivedOn = ReceivedOn?.Trim(),
            },
            cancellationToken));
        if (!result.Succeeded)
        {
            return await FailedAsync("paper", result.Problem!, cancellationToken);
        }

        var filed = result.Value!;
        return Done(
            Labels.T($"Recours par courrier de {filed.RecipientId} enregistré, reçu le {Labels.Day(filed.FiledOn)} ; l'accusé de réception lui est adressé.",
                     $"Paper appeal of {filed.RecipientId} recorded, received on {Labels.Day(filed.FiledOn)}; the acknowledgement is sent to them."),
            $"/review/appeals/{filed.AppealId:D}");
    }

    private async Task<IActionResult> FailedAsync(string form, ApiProblem problem, CancellationToken cancellationToken)
    {
        Form = form;
        Problem = problem;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        Queue = Read(await Api.Review(review => review.ListAppealQueueAsync(cancellationToken)));
        Appeal = AppealId is { } appealId ? Queue?.Appeals.FirstOrDefault(appeal => appeal.AppealId == appealId) : null;
        Problem = problem ?? Problem;
    }
}
