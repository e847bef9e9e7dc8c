using Microsoft.AspNetCore.Mvc;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Review;

/// <summary>
/// A recipient's suspensions, for a counsellor or a supervisor: record that the recipient meets their obligations
/// again (a counsellor), and end a suspension from a month with a reason (one person suffices: it is in the
/// recipient's favour). The review service signs the ending; only that signed decision lifts the suspension.
/// </summary>
public sealed class SuspensionsModel(PlatformApi api, TimeProvider time) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Recipient { get; set; }

    [BindProperty]
    public Guid? DecisionId { get; set; }

    [BindProperty]
    public string? FromMonth { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public Guid? StatementId { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    /// <summary>Which form the last post came from ("record", or "end:" and the decision), so its problem shows beside it.</summary>
    public string? Form { get; private set; }

    public RecipientSuspensions? Suspensions { get; private set; }

    public bool MayRecord => User.IsInRole(Roles.Counsellor);

    private string Here => $"/review/suspensions?recipient={Uri.EscapeDataString(Recipient ?? "")}";

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostRecordAsync(CancellationToken cancellationToken)
    {
        var recipient = Recipient?.Trim() ?? "";
        var result = await Api.Review(review => review.StateObligationsMetAsync(recipient, new ObligationsMetRequest { Text = Text }, cancellationToken));
        if (!result.Succeeded)
        {
            return await FailedAsync("record", result.Problem!, cancellationToken);
        }

        return Done(Labels.T("La déclaration de l'allocataire est enregistrée.", "The recipient's statement is recorded."), Here);
    }

    public async Task<IActionResult> OnPostEndAsync(CancellationToken cancellationToken)
    {
        var decision = DecisionId ?? Guid.Empty;
        var result = await Api.Review(review => review.EndSuspensionAsync(
            decision, new EndSuspensionRequest { FromMonth = FromMonth?.Trim(), Reason = Reason, StatementId = StatementId }, cancellationToken));
        if (!result.Succeeded)
        {
            return await FailedAsync($"end:{decision}", result.Problem!, cancellationToken);
        }

        var ending = result.Value!;
        return Done(
            Labels.T($"Fin de la suspension décidée à partir de {ending.FromMonth} et signée (clé {ending.KeyId}) : ce qui a été retenu depuis sera remboursé.",
                     $"End of the suspension decided from {ending.FromMonth} and signed (key {ending.KeyId}): what was withheld since will be paid back."),
            Here);
    }

    /// <summary>The month a suspension's form proposes: this month if the suspension runs then, otherwise its first month.</summary>
    public string DefaultFromMonth(SuspensionView suspension)
    {
        var now = Months.Of(time.GetUtcNow());
        return Months.TryParse(suspension.StartMonth, out var first) && now >= first && now <= first.AddMonths(suspension.Months - 1)
            ? Months.Format(now)
            : suspension.StartMonth;
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
        if (string.IsNullOrWhiteSpace(Recipient))
        {
            return;
        }

        var problem = Problem;
        Problem = null;
        var recipient = Recipient.Trim();
        Suspensions = Read(await Api.Review(review => review.ListSuspensionsAsync(recipient, cancellationToken)));
        Problem = problem ?? Problem;
    }
}
