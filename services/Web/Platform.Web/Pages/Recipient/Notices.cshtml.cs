using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Recipient;

/// <summary>
/// The notices before a sanction (CASF L262-37): the person reads each one, acknowledges it (the answer window runs from
/// that first proof of receipt), asks to be heard naming who will assist them, or says they have nothing to add.
/// </summary>
public sealed class NoticesModel(PlatformApi api) : PlatformPage(api)
{
    [BindProperty(SupportsGet = true)]
    public Guid? NoticeId { get; set; }

    [BindProperty]
    public string? AssistantName { get; set; }

    [BindProperty]
    public string? AssistantRole { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    /// <summary>Which form the last post came from, so the problem shows beside it.</summary>
    public string? Form { get; private set; }

    public RecipientNotices? Notices { get; private set; }

    public NoticeView? Notice { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task<IActionResult> OnPostAcknowledgeAsync(CancellationToken cancellationToken) =>
        ActAsync("acknowledge", review => review.AcknowledgeNoticeAsync(Subject, NoticeId ?? Guid.Empty, null, cancellationToken),
            Labels.T("Merci : la réception de l'avis est enregistrée. Votre délai de réponse court à partir de maintenant.",
                     "Thank you: the notice's receipt is recorded. Your time to answer runs from now."),
            cancellationToken);

    public Task<IActionResult> OnPostHearingAsync(CancellationToken cancellationToken) =>
        ActAsync("hearing", review => review.RequestHearingAsync(
                Subject,
                NoticeId ?? Guid.Empty,
                null,
                new HearingRequest { AssistantName = Blank(AssistantName), AssistantRole = Blank(AssistantRole) },
                cancellationToken),
            Labels.T("Votre demande d'entretien est enregistrée : un conseiller vous proposera une date. Aucune décision ne sera prise avant cet entretien.",
                     "Your request to be heard is recorded: a counsellor will offer you a date. No decision will be taken before this hearing."),
            cancellationToken);

    public async Task<IActionResult> OnPostNothingToAddAsync(CancellationToken cancellationToken)
    {
        var notice = Read(await Api.Review(review => review.GetNoticeAsync(Subject, NoticeId ?? Guid.Empty, Labels.T("fr", "en"), cancellationToken)));
        if (notice is null)
        {
            Form = "nothing-to-add";
            await LoadAsync(cancellationToken);
            return Page();
        }

        return await ActAsync("nothing-to-add", review => review.SendObservationAsync(
                Subject,
                notice.FlagId,
                null,
                new ObservationRequest
                {
                    Text = string.IsNullOrWhiteSpace(Text) ? Labels.T("Je n'ai rien à ajouter.", "I have nothing to add.") : Text,
                    NothingToAdd = true,
                },
                cancellationToken),
            Labels.T("C'est noté : vous n'avez rien à ajouter. Une autre personne peut maintenant décider.",
                     "Noted: you have nothing to add. Someone else may now decide."),
            cancellationToken);
    }

    private async Task<IActionResult> ActAsync<T>(string form, Func<ReviewClient, Task<T>> call, string notice, CancellationToken cancellationToken)
    {
        var result = await Api.Review(call);
        if (result.Succeeded)
        {
            return Done(notice, $"/recipient/notices/{NoticeId}");
        }

        Form = form;
        Problem = result.Problem;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var problem = Problem;
        Problem = null;
        var language = Labels.T("fr", "en");
        Notices = Read(await Api.Review(review => review.ListNoticesAsync(Subject, language, cancellationToken)));
        Notice = NoticeId is { } noticeId ? Notices?.Notices.FirstOrDefault(notice => notice.NoticeId == noticeId) : null;
        Problem = problem ?? Problem;
    }
}
