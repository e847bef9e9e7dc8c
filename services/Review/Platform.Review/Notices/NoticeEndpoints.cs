using System.Security.Claims;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Notices;

/// <summary>
/// The notice of an envisaged sanction as the person gets it — in JSON and as a PDF letter, in French or English — and
/// the proofs of its receipt: the person's acknowledgement in the application, the e-mail's single-use link, and the
/// registered letter's date of receipt recorded by a counsellor. The answer window runs from the first of them.
/// </summary>
public static class NoticeEndpoints
{
    public static IEndpointRouteBuilder MapNoticeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/recipients/{recipientId}/notices").WithTags("Notices").RequireAuthorization(Policies.RecipientOrCaseWorker);
        read.MapGet("", List)
            .WithName("ListNotices")
            .WithSummary("A recipient's notices of envisaged sanctions")
            .WithDescription("""
                Every notice produced for the recipient, newest first, each with its letter (facts week by week, rule,
                envisaged sanction and its amount, deadline, how to answer or be heard, contact, legal basis), its proofs of
                receipt and its deadline once received. French, or English with `language=en` or `Accept-Language: en`.
                The recipient themself, counsellors and supervisors. Changes nothing.
                """);
        read.MapGet("/{noticeId:guid}", GetOne)
            .WithName("GetNotice")
            .WithSummary("Read a notice of an envisaged sanction")
            .WithDescription("""
                One notice as in the list: its letter in French (or English on request), its receipts and its deadline
                (null until a first proof of receipt). The recipient themself, counsellors and supervisors. Changes nothing.
                """)
            .ProducesNotFound("This notice does not exist, or is not this recipient's.");
        read.MapGet("/{noticeId:guid}.pdf", Pdf)
            .WithName("GetNoticePdf")
            .WithSummary("The notice as a PDF letter")
            .WithDescription("""
                The letter for the post (fonts embedded), in French or English on request, with the registered letter's
                tracking number and date of receipt once a counsellor recorded them. Changes nothing.
                """)
            .Produces<byte[]>(StatusCodes.Status200OK, "application/pdf")
            .ProducesNotFound("This notice does not exist, or is not this recipient's.");
        read.MapGet("/{noticeId:guid}/pdf", Pdf)
            .WithName("GetNoticePdfByPath")
            .WithSummary("The notice as a PDF letter (same as `.pdf`)")
            .WithDescription("The same letter as `GET …/notices/{noticeId}.pdf`, for clients that cannot end a path with an extension.")
            .Produces<byte[]>(StatusCodes.Status200OK, "application/pdf")
            .ProducesNotFound("This notice does not exist, or is not this recipient's.");
        read.MapPost("/{noticeId:guid}/acknowledgement", Acknowledge).RequireAuthorization(Policies.Recipient).WithIdempotencyKey()
            .WithName("AcknowledgeNotice")
            .WithSummary("Acknowledge receipt of a notice in the application")
            .WithDescription("""
                The recipient says they received the notice: a proof of receipt with a certain date (CASF L262-37). The
                first proof of receipt, whatever its channel, starts the answer window; acknowledging again changes nothing.
                Only the recipient themself. Publishes `NoticeReceived` the first time.
                """)
            .ProducesNotFound("This notice does not exist, or is not this recipient's.");

        endpoints.MapGet("/api/notices/acknowledge", FollowLink).WithTags("Notices").AllowAnonymous()
            .WithName("FollowNoticeLink")
            .WithSummary("The e-mail's acknowledgement link")
            .WithDescription("""
                The single-use link of the notice's e-mail: following it proves the e-mail was received and read (a
                256-bit random token, only its hash stored). Anyone holding the link; it works once (410 afterwards).
                Publishes `NoticeReceived`.
                """)
            .ProducesNotFound("This link matches no notice.")
            .ProducesProblemType(StatusCodes.Status410Gone, ReviewProblems.AcknowledgementLinkUsed, "The link was already followed.");

        endpoints.MapPost("/api/review/notices/{noticeId:guid}/postal-receipt", RecordPostalReceipt)
            .WithTags("Notices")
            .RequireAuthorization(Policies.CaseWorker)
            .ValidateRequest<PostalReceiptRequest>()
            .WithIdempotencyKey()
            .WithName("RecordPostalReceipt")
            .WithSummary("Record the registered letter's tracking number and date of receipt")
            .WithDescription("""
                A counsellor or supervisor records the La Poste tracking number (`RR123456789FR` or `1A01234567890`) and
                the date the letter was received (Paris; not before the notice, not in the future). A proof of receipt: the
                window runs from the start of that day if it is the first. Publishes `NoticeReceived`.
                """)
            .WithRequestExample("""{"trackingReference":"1A01234567890","receivedOn":"2026-12-02"}""")
            .ProducesNotFound("This notice does not exist.");
        return endpoints;
    }

    private static async Task<Results<Ok<RecipientNotices>, ProblemHttpResult>> List(
        string recipientId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<NoticeOptions> options, IOptions<ReviewOptions> review, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        var chosen = NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage);
        var views = new List<NoticeView>();
        foreach (var noticeId in await NoticeStore.IdsOfAsync(database, recipientId, cancellationToken))
        {
            views.Add(await ViewAsync(database, noticeId, chosen, options.Value, review.Value, cancellationToken) ?? throw new InvalidOperationException("A listed notice vanished."));
        }

        return TypedResults.Ok(new RecipientNotices(recipientId, views));
    }

    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> GetOne(
        string recipientId, Guid noticeId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<NoticeOptions> options, IOptions<ReviewOptions> review, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        var view = await ViewAsync(database, noticeId, NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage), options.Value, review.Value, cancellationToken);
        return view is null || view.RecipientId != recipientId ? ReviewProblems.NoticeNotFound() : TypedResults.Ok(view);
    }

    /// <summary>The letter for the post, with the registered letter's tracking reference and date of receipt once recorded.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf(
        string recipientId, Guid noticeId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<NoticeOptions> options, IOptions<ReviewOptions> review, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        if (await NoticeStore.ReadAsync(database, noticeId, cancellationToken) is not (Case found, Proposal proposal, Notice notice)
            || notice.RecipientId != recipientId)
        {
            return ReviewProblems.NoticeNotFound();
        }

        var letter = NoticeLetter.Compose(
            notice, found, proposal, options.Value, review.Value.ObservationWindow, NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage));
        return TypedResults.File(NoticePdf.Render(letter, notice), "application/pdf", $"avis-{noticeId:D}.pdf");
    }

    /// <summary>The person acknowledges receipt in the application. The first proof of receipt counts; acknowledging again changes nothing.</summary>
    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> Acknowledge(
        string recipientId, Guid noticeId, ClaimsPrincipal user, ServiceDatabase database, IOptions<NoticeOptions> options,
        IOptions<ReviewOptions> review, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        var found = await ReceiveAsync(database, noticeId, recipientId, ReceiptChannel.Application, recipientId, review.Value, time, cancellationToken);
        if (!found)
        {
            return ReviewProblems.NoticeNotFound();
        }

        return TypedResults.Ok((await ViewAsync(database, noticeId, "fr", options.Value, review.Value, cancellationToken))!);
    }

    /// <summary>The e-mail's link: whoever follows it read the e-mail. It works once; a second use is refused with 410.</summary>
    private static async Task<Results<Ok<LinkAcknowledged>, ProblemHttpResult>> FollowLink(
        [FromQuery] string? token, ServiceDatabase database, IOptions<ReviewOptions> review, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!NoticeDelivery.IsToken(token))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["token"] = [Localized.Text("Ce lien n'est pas complet : copiez-le en entier depuis le courriel.", "This link is incomplete: copy all of it from the e-mail.")],
            });
        }

        var now = time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        if (await NoticeStore.FindByLinkAsync(work, NoticeDelivery.HashOf(token!)) is not { } link)
        {
            return Problems.NotFound("Ce lien ne correspond à aucun avis.", "This link matches no notice.");
        }

        var noticeId = link.NoticeId;
        if (link.LinkUsedAt is { } used)
        {
            return Problems.Create(
                StatusCodes.Status410Gone,
                ReviewProblems.AcknowledgementLinkUsed,
                Localized.Text("Lien déjà utilisé", "Link already used"),
                Localized.Text(
                    $"Ce lien a déjà servi, le {used:yyyy-MM-dd HH:mm} UTC : la réception de l'avis est enregistrée.",
                    $"This link was already used, on {used:yyyy-MM-dd HH:mm} UTC: the notice's receipt is recorded."));
        }

        var (found, proposal, notice) = (await NoticeStore.LockAsync(work, noticeId))!.Value;
        var receipt = notice.Receive(found, proposal, ReceiptChannel.EmailLink, now, notice.RecipientId, review.Value.ObservationWindow, now);
        await NoticeStore.MarkLinkUsedAsync(work, noticeId, now);
        await NoticeStore.SaveReceiptAsync(work, receipt, now);
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(new LinkAcknowledged(
            noticeId,
            receipt.Event.FirstReceivedAt,
            receipt.Event.AnswerBy,
            Localized.Text("Merci : la réception de l'avis est enregistrée.", "Thank you: the notice's receipt is recorded.")));
    }

    /// <summary>A counsellor records the registered letter: its tracking reference and the date La Poste says it was received.</summary>
    private static async Task<Results<Ok<NoticeView>, ProblemHttpResult>> RecordPostalReceipt(
        Guid noticeId, PostalReceiptRequest request, ClaimsPrincipal user, ServiceDatabase database, IOptions<NoticeOptions> options,
        IOptions<ReviewOptions> review, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await NoticeStore.LockAsync(work, noticeId) is not (Case found, Proposal proposal, Notice notice))
            {
                return ReviewProblems.NoticeNotFound();
            }

            var (receipt, refusal) = notice.RecordPostalReceipt(
                found, proposal, PostalReceiptRequest.Normalize(request.TrackingReference!), DateOnly.Parse(request.ReceivedOn!, System.Globalization.CultureInfo.InvariantCulture),
                user.SubjectId(), review.Value.ObservationWindow, now);
            if (refusal is not null)
            {
                return ReviewProblems.For(refusal);
            }

            await NoticeStore.SaveReceiptAsync(work, receipt!, now);
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok((await ViewAsync(database, noticeId, "fr", options.Value, review.Value, cancellationToken))!);
    }

    /// <summary>Records a proof of receipt once per channel; false when the notice is not this recipient's.</summary>
    private static async Task<bool> ReceiveAsync(
        ServiceDatabase database, Guid noticeId, string recipientId, string channel, string recordedBy, ReviewOptions review, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        if (await NoticeStore.LockAsync(work, noticeId) is not (Case found, Proposal proposal, Notice notice) || notice.RecipientId != recipientId)
        {
            return false;
        }

        if (await NoticeStore.HasReceiptAsync(work, noticeId, channel))
        {
            return true;
        }

        await NoticeStore.SaveReceiptAsync(work, notice.Receive(found, proposal, channel, now, recordedBy, review.ObservationWindow, now), now);
        await work.CommitAsync(cancellationToken);
        return true;
    }

    private static async Task<NoticeView?> ViewAsync(
        ServiceDatabase database, Guid noticeId, string language, NoticeOptions options, ReviewOptions review, CancellationToken cancellationToken)
    {
        if (await NoticeStore.ReadAsync(database, noticeId, cancellationToken) is not (Case found, Proposal proposal, Notice notice))
        {
            return null;
        }

        var letter = NoticeLetter.Compose(notice, found, proposal, options, review.ObservationWindow, language);
        var receipts = await NoticeStore.ReceiptsAsync(database, noticeId, cancellationToken);
        var hearing = (await ReviewReads.ProposalAsync(database, proposal.ProposalId, cancellationToken))?.Hearing;
        return new NoticeView(
            notice.NoticeId, notice.ProposalId, notice.CaseId, found.FlagId, notice.RecipientId, notice.CreatedAt, proposal.State, proposal.ReceivedAt,
            letter.AnswerBy, notice.TrackingReference, notice.PostalReceivedOn,
            receipts.Select(receipt => new NoticeReceiptView(receipt.Channel, receipt.ReceivedAt, receipt.RecordedAt)).ToList(),
            letter.Language, letter.Title, letter.Facts, letter.Sanction, letter.Sections,
            letter.Language == "fr" ? NoticeLetter.LegalBasisFr : NoticeLetter.LegalBasisEn,
            $"/api/recipients/{notice.RecipientId}/notices/{notice.NoticeId:D}.pdf",
            hearing,
            letter.Absences);
    }
}

/// <param name="TrackingReference">
/// The registered letter's La Poste number: either the international S10 shape (two letters or digits, nine digits, two
/// letters, e.g. <c>RR123456789FR</c>) or the domestic 13-character shape (a digit, a letter, eleven digits, e.g.
/// <c>1A01234567890</c>); spaces are ignored, letters uppercased.
/// </param>
/// <param name="ReceivedOn">The date of receipt (<c>YYYY-MM-DD</c>), Paris: not before the notice, not in the future.</param>
public sealed record PostalReceiptRequest(string? TrackingReference, string? ReceivedOn)
{
    public static string Normalize(string reference) => new string(reference.Where(character => !char.IsWhiteSpace(character)).ToArray()).ToUpperInvariant();
}

internal sealed partial class PostalReceiptRequestValidator : AbstractValidator<PostalReceiptRequest>
{
    public PostalReceiptRequestValidator()
    {
        RuleFor(request => request.TrackingReference)
            .Must(reference => reference is { Length: <= 40 } && Shape().IsMatch(PostalReceiptRequest.Normalize(reference)))
            .WithMessage(_ => Localized.Text(
                "Le numéro de suivi a la forme RR123456789FR (2 caractères, 9 chiffres, 2 lettres) ou 1A01234567890 (13 caractères).",
                "The tracking number looks like RR123456789FR (2 characters, 9 digits, 2 letters) or 1A01234567890 (13 characters)."));
        RuleFor(request => request.ReceivedOn)
            .Must(date => DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
            .WithMessage(_ => Localized.Text("La date de réception est une date AAAA-MM-JJ.", "The date of receipt is a date YYYY-MM-DD."));
    }

    [GeneratedRegex("^([0-9A-Z]{2}[0-9]{9}[A-Z]{2}|[0-9][A-Z][0-9]{11})$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}

public sealed record NoticeReceiptView(string Channel, DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt);

/// <summary>
/// A notice as the API shows it: its state of receipt (null <see cref="AnswerBy"/> until a first proof of receipt), its
/// letter in the language asked for, the hearing the person asked for (null if none), and the accepted justified absences
/// over the proposal's weeks that were taken into account (empty when none; any one of them bars the approval).
/// </summary>
public sealed record NoticeView(
    Guid NoticeId,
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    DateTimeOffset CreatedAt,
    string ProposalState,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? AnswerBy,
    string? TrackingReference,
    DateOnly? PostalReceivedOn,
    IReadOnlyList<NoticeReceiptView> Receipts,
    string Language,
    string Title,
    IReadOnlyList<NoticeWeek> Facts,
    NoticeSanction Sanction,
    IReadOnlyList<NoticeSection> Sections,
    string LegalBasis,
    string PdfUrl,
    Platform.Review.Cases.HearingView? Hearing,
    IReadOnlyList<ExcusingAbsence> Absences);

public sealed record RecipientNotices(string RecipientId, IReadOnlyList<NoticeView> Notices);

public sealed record LinkAcknowledged(Guid NoticeId, DateTimeOffset ReceivedAt, DateTimeOffset AnswerBy, string Message);
