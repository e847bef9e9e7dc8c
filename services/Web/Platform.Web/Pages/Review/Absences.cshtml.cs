using Microsoft.AspNetCore.Mvc;
using Platform.ServiceDefaults.Auth;
using Platform.Web.Api;
using Platform.Web.Api.Declarations;

namespace Platform.Web.Pages.Review;

/// <summary>
/// A recipient's justified absences, for a counsellor: accept or refuse each one once, with a reason the recipient
/// reads. An accepted absence excuses its weeks in the rules and the review.
/// </summary>
public sealed class AbsencesModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Recipient { get; set; }

    [BindProperty]
    public Guid? AbsenceId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The absence whose form the last post came from, so its problem shows beside it.</summary>
    public Guid? Form { get; private set; }

    public AbsenceList? Absences { get; private set; }

    public bool MayDecide => User.IsInRole(Roles.Counsellor);

    private string Here => $"/review/absences?recipient={Uri.EscapeDataString(Recipient ?? "")}";

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostAcceptAsync(CancellationToken cancellationToken) => DecideAsync(accept: true, cancellationToken);

    public Task<IActionResult> OnPostRefuseAsync(CancellationToken cancellationToken) => DecideAsync(accept: false, cancellationToken);

    private async Task<IActionResult> DecideAsync(bool accept, CancellationToken cancellationToken)
    {
        var recipient = Recipient?.Trim() ?? "";
        var absence = AbsenceId ?? Guid.Empty;
        var request = new AbsenceDecisionRequest { Reason = Reason };
        var result = await Api.Declarations(declarations => accept
            ? declarations.AcceptAbsenceAsync(recipient, absence, request, cancellationToken)
            : declarations.RefuseAbsenceAsync(recipient, absence, request, cancellationToken));
        if (!result.Succeeded)
        {
            Form = absence;
            Problem = result.Problem;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Done(
            accept
                ? Labels.T("Absence acceptée : ses semaines sont excusées.", "Absence accepted: its weeks are excused.")
                : Labels.T("Absence refusée : l'allocataire lira votre raison.", "Absence refused: the recipient will read your reason."),
            Here);
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
        Absences = Read(await Api.Declarations(declarations => declarations.ListAbsencesAsync(recipient, cancellationToken)));
        Problem = problem ?? Problem;
    }
}
