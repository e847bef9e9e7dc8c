using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Letters;
using Platform.Review.Notices;
using Platform.Review.Sanctions;
using Platform.Review.Stores;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Appeals;

/// <summary>
/// Prior appeals (RAPO, CASF L262-47 and R262-88 and following): the person files one against a signed sanction decision
/// (or a counsellor records a paper one), it is acknowledged at once; a person who took no part in the decision
/// instructs it, may record the commission's opinion, and decides it — a signed decision with its own letter.
/// </summary>
public static class AppealEndpoints
{
    private const int QueueSize = 200;

    public static IEndpointRouteBuilder MapAppealEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var mine = endpoints.MapGroup("/api/recipients/{recipientId}/appeals").WithTags("Appeals");
        mine.MapPost("", FileOnline).RequireAuthorization(Policies.Recipient).ValidateRequest<FileAppealRequest>().WithIdempotencyKey()
            .WithName("FileAppeal")
            .WithSummary("File a prior appeal (RAPO) against one of one's decisions")
            .WithDescription("""
                The recipient contests a signed sanction decision (its number is on the decision letter), with their reasons and,
                optionally, references of documents they join. Acknowledged at once: an acknowledgement letter (API, PDF, e-mail)
                gives the date on which silence becomes an implicit rejection, two months after filing. Filed more than two months
                after the decision letter's receipt, it is accepted and marked late. One appeal per decision. Publishes `AppealFiled`.
                Only the recipient themself.
                """)
            .WithRequestExample("""{"decisionId":"0193c0de-0000-7000-8000-000000000001","reasons":"Mon fils était hospitalisé ces semaines-là.","documents":["bulletin d'hospitalisation du 3 novembre"]}""")
            .ProducesNotFound("No signed sanction decision of this recipient carries this number.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.AppealExists, "An appeal was already filed against this decision.");
        mine.MapGet("", ListMine).RequireAuthorization(Policies.RecipientOrCaseWorker)
            .WithName("ListAppeals")
            .WithSummary("A recipient's appeals")
            .WithDescription("Every appeal of the recipient, newest first, with its status, its deadlines and its letters. The recipient themself, counsellors and supervisors. Changes nothing.");
        mine.MapGet("/{appealId:guid}", GetMine).RequireAuthorization(Policies.RecipientOrCaseWorker)
            .WithName("GetAppeal")
            .WithSummary("Read an appeal")
            .WithDescription("One appeal as in the list. The recipient themself, counsellors and supervisors. Changes nothing.")
            .ProducesNotFound("This appeal does not exist, or is not this recipient's.");
        mine.MapGet("/{appealId:guid}/letters/{letterId:guid}/pdf", LetterPdfOf).RequireAuthorization(Policies.RecipientOrCaseWorker)
            .WithName("GetAppealLetterPdf")
            .WithSummary("An appeal's letter as a PDF")
            .WithDescription("The acknowledgement, the decision or the implicit rejection, as sent (fonts embedded), in French or English on request. Changes nothing.")
            .Produces<byte[]>(StatusCodes.Status200OK, "application/pdf")
            .ProducesNotFound("This letter does not exist, or is not this appeal's.");

        var review = endpoints.MapGroup("/api/review/appeals").WithTags("Appeals").RequireAuthorization(Policies.CaseWorker);
        review.MapGet("", Queue)
            .WithName("ListAppealQueue")
            .WithSummary("The appeals awaiting a decision, oldest first")
            .WithDescription("Every appeal without an outcome (implicitly rejected ones included: they may still be decided), the oldest filed first, with the date of implicit rejection. Changes nothing.");
        review.MapPost("", FilePaper).ValidateRequest<PaperAppealRequest>().WithIdempotencyKey()
            .WithName("FilePaperAppeal")
            .WithSummary("Record a paper appeal for a recipient")
            .WithDescription("""
                A counsellor or supervisor records an appeal received by post, with the date the département received it (the
                two months run from that date). Otherwise as the recipient's own filing. Publishes `AppealFiled`.
                """)
            .WithRequestExample("""{"recipientId":"R-1","decisionId":"0193c0de-0000-7000-8000-000000000001","reasons":"Courrier du 2 décembre : l'allocataire conteste.","documents":["lettre manuscrite du 2 décembre"],"receivedOn":"2026-12-04"}""")
            .ProducesNotFound("No signed sanction decision of this recipient carries this number.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.AppealExists, "An appeal was already filed against this decision.");
        review.MapPost("/{appealId:guid}/commission-opinion", RecordOpinion).ValidateRequest<CommissionOpinionRequest>()
            .WithName("RecordAppealCommissionOpinion")
            .WithSummary("Record the commission de recours amiable's opinion")
            .WithDescription("The instructor records the commission's opinion (CASF R262-89) before the decision. Not by the person who proposed or approved the sanction. Publishes `AppealCommissionOpinionRecorded`.")
            .WithRequestExample("""{"opinion":"La commission estime le manquement établi pour une semaine seulement."}""")
            .ProducesNotFound("This appeal does not exist.")
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.AppealInstructorTookPart, "The caller proposed or approved the sanction contested.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.AppealAlreadyDecided, "The appeal was already decided.");
        review.MapPost("/{appealId:guid}/decide", Decide).ValidateRequest<DecideAppealRequest>()
            .WithName("DecideAppeal")
            .WithSummary("Decide an appeal: confirmed, reduced or annulled")
            .WithDescription("""
                A counsellor or supervisor who neither proposed nor approved the sanction, holding a delegation of the président in
                force today, decides, with reasons: `confirmed`, `reduced` (a lower share and/or fewer months, from the same start)
                or `annulled`. The review service signs the decision and writes its letter (reasons, author and delegation, seal,
                the tribunal administratif and its deadline). Publishes `AppealDecided` (signed), which the allocations service
                verifies before paying back what was withheld beyond the new sanction.
                """)
            .WithRequestExample("""{"outcome":"reduced","percent":30,"months":2,"reason":"Une seule semaine est établie ; la sanction est ramenée à 30 % pour deux mois."}""")
            .ProducesNotFound("This appeal does not exist.")
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.AppealInstructorTookPart, "The caller proposed or approved the sanction contested.")
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.NoDelegation, "The decider holds no delegation of the président in force today.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.AppealAlreadyDecided, "The appeal was already decided.");
        return endpoints;
    }

    private static async Task<Results<Created<AppealView>, ProblemHttpResult>> FileOnline(
        string recipientId, FileAppealRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        var now = time.GetUtcNow();
        return await FileAsync(
            database, recipientId, request.DecisionId!.Value, request.Reasons!, request.Documents, AppealChannel.Online, recipientId, WeekCalendar.TodayIn(now), now,
            cancellationToken);
    }

    private static async Task<Results<Created<AppealView>, ProblemHttpResult>> FilePaper(
        PaperAppealRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var receivedOn = DateOnly.ParseExact(request.ReceivedOn!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (receivedOn > WeekCalendar.TodayIn(now))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["receivedOn"] = [Localized.Text("La date de réception ne peut pas être dans le futur.", "The date of receipt cannot be in the future.")],
            });
        }

        // The recipient is named in the body: an agent of another département finds no decision, as in the routes.
        if (!await RecipientPlacements.AgentActsForAsync(database, user, request.RecipientId!, cancellationToken))
        {
            return ReviewProblems.AppealableDecisionNotFound();
        }

        return await FileAsync(
            database, request.RecipientId!, request.DecisionId!.Value, request.Reasons!, request.Documents, AppealChannel.Paper, user.SubjectId(), receivedOn, now,
            cancellationToken);
    }

    /// <summary>Files and acknowledges in one transaction: the appeal, its acknowledgement letter and e-mail, and <see cref="AppealFiled"/>.</summary>
    private static async Task<Results<Created<AppealView>, ProblemHttpResult>> FileAsync(
        ServiceDatabase database, string recipientId, Guid decisionId, string reasons, IReadOnlyList<string>? documents, string channel, string filedBy,
        DateOnly filedOn, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Only a sanction is appealed here: an early ending is in the person's favour.
        if (await LetterStore.FindByDecisionAsync(database, decisionId, cancellationToken) is not { Kind: LetterKind.SanctionApproved } found
            || found.RecipientId != recipientId
            || await LetterStore.ReadAsync(database, found.LetterId, cancellationToken) is not { } source)
        {
            return ReviewProblems.AppealableDecisionNotFound();
        }

        if (filedOn < WeekCalendar.TodayIn(source.Letter.CreatedAt))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["receivedOn"] = [Localized.Text("Un recours ne peut pas être reçu avant la décision qu'il conteste.", "An appeal cannot be received before the decision it contests.")],
            });
        }

        var appeal = Appeal.File(
            Guid.CreateVersion7(now), source.Letter, source.Proposal, source.ReceivedAt is { } received ? WeekCalendar.TodayIn(received) : null, channel, filedBy,
            filedOn, now, reasons.Trim(), (documents ?? []).Select(document => document.Trim()).ToList());
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (!await AppealStore.InsertAsync(work, appeal))
            {
                return ReviewProblems.AppealAlreadyFiled();
            }

            await AppealDelivery.IssueAsync(work, appeal, AppealLetterKind.Acknowledged, now);
            work.Publish(new AppealFiled(
                appeal.AppealId, appeal.SanctionDecisionId, appeal.RecipientId, appeal.FiledBy, appeal.Channel, AppealDeadlineJob.Iso(appeal.FiledOn), appeal.Late,
                AppealDeadlineJob.Iso(appeal.ImplicitRejectionOn))
            {
                OccurredAt = now,
            });
            await work.CommitAsync(cancellationToken);
        }

        var view = await ViewAsync(database, appeal.AppealId, cancellationToken);
        return TypedResults.Created($"/api/recipients/{recipientId}/appeals/{appeal.AppealId:D}", view);
    }

    private static async Task<Results<Ok<RecipientAppeals>, ProblemHttpResult>> ListMine(
        string recipientId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        var views = new List<AppealView>();
        foreach (var appeal in await AppealStore.OfRecipientAsync(database, recipientId, cancellationToken))
        {
            views.Add(View(appeal, await AppealStore.LettersAsync(database, appeal.AppealId, cancellationToken)));
        }

        return TypedResults.Ok(new RecipientAppeals(recipientId, views));
    }

    private static async Task<Results<Ok<AppealView>, ProblemHttpResult>> GetMine(
        string recipientId, Guid appealId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        return await AppealStore.FindAsync(database, appealId, cancellationToken) is { } appeal && appeal.RecipientId == recipientId
            ? TypedResults.Ok((await ViewAsync(database, appealId, cancellationToken))!)
            : ReviewProblems.AppealNotFound();
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> LetterPdfOf(
        string recipientId, Guid appealId, Guid letterId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<LetterOptions> letters, IOptions<NoticeOptions> notices, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        if (await AppealLetterSource.ReadAsync(database, letterId, cancellationToken) is not var (letter, appeal, delegation)
            || appeal.AppealId != appealId || appeal.RecipientId != recipientId)
        {
            return Problems.NotFound("Cette lettre n'existe pas.", "This letter does not exist.");
        }

        var text = AppealLetter.Compose(
            letter, appeal, delegation, letters.Value, notices.Value.PublicBaseUrl, NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage));
        return TypedResults.File(
            LetterPdf.Render(text.Language, text.Title, text.Sections, letters.Value, appeal.RecipientId, letter.LetterId, letter.CreatedAt),
            "application/pdf",
            $"appeal-{letterId:D}.pdf");
    }

    private static async Task<Ok<AppealQueue>> Queue(ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AppealQueue((await AppealStore.QueueAsync(database, user.ListFilter(), QueueSize, cancellationToken))
            .Select(appeal => View(appeal, [])).ToList()));

    private static async Task<Results<Ok<AppealView>, ProblemHttpResult>> RecordOpinion(
        Guid appealId, CommissionOpinionRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await AppealStore.LockAsync(work, appealId) is not { } appeal)
            {
                return ReviewProblems.AppealNotFound();
            }

            var (recorded, refusal) = appeal.RecordOpinion(user.SubjectId(), request.Opinion!.Trim(), time.GetUtcNow());
            if (refusal is not null)
            {
                return ReviewProblems.For(refusal);
            }

            await AppealStore.SaveOpinionAsync(work, recorded!);
            work.Publish(new AppealCommissionOpinionRecorded(
                recorded!.AppealId, recorded.SanctionDecisionId, recorded.RecipientId, recorded.CommissionOpinion!, recorded.CommissionRecordedBy!)
            {
                OccurredAt = recorded.CommissionRecordedAt!.Value,
            });
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok((await ViewAsync(database, appealId, cancellationToken))!);
    }

    /// <summary>
    /// Decides in one transaction: the appeal's own checks (once, by a third person, a true reduction), then the decider's
    /// delegation in force today (403 without one, nothing written), then the signed decision, its letter and its event.
    /// </summary>
    private static async Task<Results<Ok<AppealView>, ProblemHttpResult>> Decide(
        Guid appealId, DecideAppealRequest request, ClaimsPrincipal user, DecisionSigner signer, ServiceDatabase database, IOptions<LetterOptions> letters,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var instructor = user.SubjectId();
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await AppealStore.LockAsync(work, appealId) is not { } appeal)
            {
                return ReviewProblems.AppealNotFound();
            }

            if (appeal.Decide(instructor, request.Outcome!, request.Percent, request.Months, out var refusal) is not var (percent, months))
            {
                return ReviewProblems.For(refusal!);
            }

            var now = time.GetUtcNow();
            var (delegationInForce, departement) = await LetterDelivery.DelegationForRecipientAsync(work, instructor, appeal.RecipientId, letters.Value, now);
            if (delegationInForce is not { } delegation)
            {
                return ReviewProblems.WithoutDelegation(departement);
            }

            var signed = signer.Sign(new AppealDecided(
                Guid.CreateVersion7(now), appeal.AppealId, appeal.SanctionDecisionId, appeal.RecipientId, request.Outcome!, percent, months, instructor, now, "", "")
            {
                OccurredAt = now,
            });
            var decided = appeal with
            {
                Outcome = request.Outcome, OutcomePercent = percent, OutcomeMonths = months, OutcomeReason = request.Reason!.Trim(), DecidedBy = instructor,
                DelegationId = delegation.DelegationId, DecidedAt = now, AppealDecisionId = signed.DecisionId, KeyId = signed.KeyId, Signature = signed.Signature,
                SignedDecision = JsonSerializer.Serialize(signed, JsonSerializerOptions.Web),
            };
            await AppealStore.SaveOutcomeAsync(work, decided);
            await AppealDelivery.IssueAsync(work, decided, AppealLetterKind.Decided, now);
            work.Publish(signed);
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok((await ViewAsync(database, appealId, cancellationToken))!);
    }

    private static async Task<AppealView?> ViewAsync(ServiceDatabase database, Guid appealId, CancellationToken cancellationToken) =>
        await AppealStore.FindAsync(database, appealId, cancellationToken) is { } appeal
            ? View(appeal, await AppealStore.LettersAsync(database, appealId, cancellationToken))
            : null;

    private static AppealView View(Appeal appeal, IReadOnlyList<AppealLetterRecord> letters) => new(
        appeal.AppealId, appeal.SanctionDecisionId, appeal.RecipientId, appeal.Status, appeal.Channel, appeal.FiledBy, appeal.FiledOn, appeal.Late,
        appeal.ImplicitRejectionOn, appeal.ImplicitlyRejectedAt is null ? null : appeal.TribunalByAfterImplicitRejection, appeal.Reasons, appeal.Documents,
        appeal.Percent, appeal.Months, appeal.StartMonth, appeal.CommissionOpinion, appeal.Outcome, appeal.OutcomePercent, appeal.OutcomeMonths,
        appeal.OutcomeReason, appeal.DecidedBy, appeal.DecidedAt, appeal.AppealDecisionId, appeal.KeyId, appeal.Signature, appeal.ImplicitlyRejectedAt,
        letters.Select(letter => new AppealLetterLink(
            letter.LetterId, letter.Kind, letter.CreatedAt, $"/api/recipients/{appeal.RecipientId}/appeals/{appeal.AppealId:D}/letters/{letter.LetterId:D}/pdf")).ToList());
}

/// <summary>
/// An appeal as the API shows it: its status (pending, confirmed, reduced, annulled, implicitly-rejected), the sanction
/// it contests, its deadlines — the date of implicit rejection and, once it happened, the last day to seize the tribunal —
/// its outcome and seal once decided, and its letters.
/// </summary>
public sealed record AppealView(
    Guid AppealId,
    Guid SanctionDecisionId,
    string RecipientId,
    string Status,
    string Channel,
    string FiledBy,
    DateOnly FiledOn,
    bool Late,
    DateOnly ImplicitRejectionOn,
    DateOnly? TribunalBy,
    string Reasons,
    IReadOnlyList<string> Documents,
    int Percent,
    int Months,
    string StartMonth,
    string? CommissionOpinion,
    string? Outcome,
    int? OutcomePercent,
    int? OutcomeMonths,
    string? OutcomeReason,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    Guid? AppealDecisionId,
    string? KeyId,
    string? Signature,
    DateTimeOffset? ImplicitlyRejectedAt,
    IReadOnlyList<AppealLetterLink> Letters);

public sealed record AppealLetterLink(Guid LetterId, string Kind, DateTimeOffset CreatedAt, string PdfUrl);

public sealed record RecipientAppeals(string RecipientId, IReadOnlyList<AppealView> Appeals);

public sealed record AppealQueue(IReadOnlyList<AppealView> Appeals);
