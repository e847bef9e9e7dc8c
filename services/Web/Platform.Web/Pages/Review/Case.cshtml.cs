using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Review;
using DeclarationWithVersions = Platform.Web.Api.Declarations.DeclarationWithVersions;
using RuleDefinition = Platform.Web.Api.Rules.RuleDefinition;

namespace Platform.Web.Pages.Review;

/// <summary>
/// One case: the declared facts, the rule's explanation, the recipient's observations and the full history, with the
/// forms a counsellor (claim, dismiss, resolve, propose a sanction) or a supervisor (approve, reject) may use. Every
/// limit is the review service's: its problem messages are shown as they come.
/// </summary>
public sealed class CaseModel(PlatformApi api, TimeProvider time) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public Guid CaseId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? SupportAction { get; set; }

    [BindProperty]
    public string? Percent { get; set; }

    [BindProperty]
    public string? Months { get; set; }

    [BindProperty]
    public string? StartMonth { get; set; }

    [BindProperty]
    public string? AssessmentVulnerability { get; set; }

    [BindProperty]
    public string? AssessmentDependants { get; set; }

    [BindProperty]
    public string? AssessmentNature { get; set; }

    [BindProperty]
    public string? AssessmentConsequences { get; set; }

    [BindProperty]
    public Guid? ProposalId { get; set; }

    /// <summary>When the hearing takes place, as a counsellor types it: local time in Paris (<c>yyyy-MM-ddTHH:mm</c>).</summary>
    [BindProperty]
    public string? HearingAt { get; set; }

    [BindProperty]
    public string? HearingPlace { get; set; }

    [BindProperty]
    public bool PersonAttended { get; set; }

    [BindProperty]
    public string? Attendees { get; set; }

    [BindProperty]
    public string? Summary { get; set; }

    /// <summary>Which form the last post came from, so its fields keep what was typed and the problem shows beside it.</summary>
    public string? Form { get; private set; }

    public CaseView? Case { get; private set; }

    public DeclarationWithVersions? Declaration { get; private set; }

    public ApiProblem? DeclarationProblem { get; private set; }

    public RuleDefinition? Rule { get; private set; }

    public string DefaultStartMonth => Rules.Calendar.Months.Format(Rules.Calendar.Months.Of(time.GetUtcNow()).AddMonths(1));

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostClaimAsync(CancellationToken cancellationToken) =>
        ActAsync("claim", review => review.ClaimReviewCaseAsync(CaseId, cancellationToken), Labels.T("Vous avez pris ce dossier.", "You have claimed this case."), null, cancellationToken);

    public Task<IActionResult> OnPostDismissAsync(CancellationToken cancellationToken) =>
        ActAsync("dismiss", review => review.DismissReviewCaseAsync(CaseId, new ReasonRequest { Reason = Reason }, cancellationToken),
            Labels.T("Dossier classé sans suite : il a quitté la file.", "Case dismissed: it has left the queue."), "/review/queue", cancellationToken);

    public Task<IActionResult> OnPostResolveAsync(CancellationToken cancellationToken) =>
        ActAsync("resolve", review => review.ResolveReviewCaseAsync(CaseId, new ResolveRequest { SupportAction = SupportAction, Reason = Reason }, cancellationToken),
            Labels.T("Dossier clos avec un accompagnement.", "Case resolved with support."), "/review/queue", cancellationToken);

    public Task<IActionResult> OnPostProposeAsync(CancellationToken cancellationToken) =>
        ActAsync("propose", review => review.ProposeSanctionAsync(
                CaseId,
                null,
                new SanctionProposalRequest
                {
                    Percent = Number(Percent), Months = Number(Months), StartMonth = StartMonth, Reason = Reason,
                    Assessment = new AssessmentRequest
                    {
                        Vulnerability = AssessmentVulnerability, Dependants = AssessmentDependants, NatureAndFrequency = AssessmentNature,
                        Consequences = AssessmentConsequences,
                    },
                },
                cancellationToken),
            Labels.T("Sanction proposée : l'allocataire est notifié et peut présenter ses observations ; une autre personne décidera.",
                     "Sanction proposed: the recipient is notified and may send observations; someone else will decide."),
            null, cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) =>
        ActAsync("decide", review => review.ApproveSanctionProposalAsync(ProposalId ?? Guid.Empty, new ReasonRequest { Reason = Reason }, cancellationToken),
            Labels.T("Sanction approuvée et signée.", "Sanction approved and signed."), null, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken) =>
        ActAsync("decide", review => review.RejectSanctionProposalAsync(ProposalId ?? Guid.Empty, new ReasonRequest { Reason = Reason }, cancellationToken),
            Labels.T("Sanction rejetée.", "Sanction rejected."), null, cancellationToken);

    /// <summary>A counsellor sets (or moves) the hearing the recipient asked for: a date and time in Paris, a place or a phone.</summary>
    public Task<IActionResult> OnPostScheduleHearingAsync(CancellationToken cancellationToken) =>
        ActAsync("hearing", review => review.ScheduleHearingAsync(
                ProposalId ?? Guid.Empty, null, new HearingScheduleRequest { ScheduledAt = ParisInstant(HearingAt), Place = HearingPlace }, cancellationToken),
            Labels.T("Entretien programmé : l'allocataire le voit sur son avis.", "Hearing scheduled: the recipient sees it on their notice."), null, cancellationToken);

    /// <summary>A counsellor records the hearing once its time has come: who attended and what was said, or that the person did not come.</summary>
    public Task<IActionResult> OnPostRecordHearingAsync(CancellationToken cancellationToken) =>
        ActAsync("hearing", review => review.RecordHearingAsync(
                ProposalId ?? Guid.Empty,
                null,
                new HearingRecordRequest
                {
                    PersonAttended = PersonAttended, Attendees = string.IsNullOrWhiteSpace(Attendees) ? null : Attendees, Summary = Summary,
                },
                cancellationToken),
            Labels.T("Entretien enregistré : le délai de réponse est clos.", "Hearing recorded: the answer window is closed."), null, cancellationToken);

    private async Task<IActionResult> ActAsync<T>(string form, Func<ReviewClient, Task<T>> call, string notice, string? then, CancellationToken cancellationToken)
    {
        var result = await Api.Review(call);
        if (result.Succeeded)
        {
            return Done(notice, then ?? $"/review/cases/{CaseId}");
        }

        Form = form;
        Problem = result.Problem;
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>
    /// A date and time typed in Paris (a <c>datetime-local</c> field) as an instant; anything else is sent as null so the
    /// service answers with its own message.
    /// </summary>
    private static DateTimeOffset? ParisInstant(string? text)
    {
        if (!DateTime.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var local))
        {
            return null;
        }

        var paris = Rules.Calendar.WeekCalendar.Paris;
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), paris.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>A number as typed; anything else is sent as null so the service answers with its own message.</summary>
    private static int? Number(string? text) =>
        int.TryParse(text?.Trim().TrimEnd('%').Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value : null;

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        Case = Read(await Api.Review(review => review.GetReviewCaseAsync(CaseId, cancellationToken)));
        if (Case is { } loaded)
        {
            var declaration = await Api.Declarations(declarations =>
                declarations.GetDeclarationAsync(loaded.Flag.RecipientId, loaded.Flag.Week, cancellationToken));
            Declaration = declaration.Value;
            // A missing week (the "declaration missing" rule) is a fact, not an error; anything else is said as the service said it.
            DeclarationProblem = declaration.Problem is { Status: not 404 } other ? other : null;
            Rule = (await Api.Rules(rules => rules.GetRuleVersionAsync(loaded.Flag.RuleId, loaded.Flag.RuleVersion, cancellationToken))).Value;
        }

        Problem = problem ?? Problem;
    }
}
