using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Notices;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Cases;

/// <summary>The counsellors' queue and their work on a case: load, ask the <see cref="Case"/>, save, answer.</summary>
public static class CaseEndpoints
{
    /// <summary>What <see cref="Case"/> may refuse, for the actions on a claimed case.</summary>
    private static RouteHandlerBuilder ProducesCaseConflicts(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesNotFound("This case does not exist.")
        .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.NotYourCase, "Another counsellor claimed this case.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.CaseNotClaimed, "The case must be claimed first.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "A sanction proposal awaits a decision.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.CaseClosed, "The case is closed.");

    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/review/cases").WithTags("Review cases").RequireAuthorization(Policies.CaseWorker);
        read.MapGet("", Queue).ValidateRequest<CaseQuery>()
            .WithName("ListReviewCases")
            .WithSummary("The review queue, oldest first")
            .WithDescription("""
                Cases in a state (`status`, open by default), optionally for one rule or one recipient, oldest first and never
                ranked or scored: every flag is a question of equal weight. Paged (`page` from 1, `pageSize`). Changes nothing.
                """);
        read.MapGet("/{caseId:guid}", GetOne)
            .WithName("GetReviewCase")
            .WithSummary("Read a case")
            .WithDescription("""
                The flag with its declared facts, rule and explanation, the case's state and history, its proposals and the
                recipient's observations. Changes nothing.
                """)
            .ProducesNotFound("This case does not exist.");

        var work = endpoints.MapGroup("/api/review/cases/{caseId:guid}").WithTags("Review cases").RequireAuthorization(Policies.Counsellor);
        work.MapPost("/claim", Claim)
            .WithName("ClaimReviewCase")
            .WithSummary("Take an open case")
            .WithDescription("""
                The counsellor takes the case: only they may then dismiss, resolve or propose a sanction. Claiming one's own
                claimed case again answers it unchanged. Publishes `CaseClaimed`.
                """)
            .ProducesNotFound("This case does not exist.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.CaseNotOpen, "Someone else claimed the case, or it is closed.");
        work.MapPost("/dismiss", Dismiss).ValidateRequest<ReasonRequest>()
            .WithName("DismissReviewCase")
            .WithSummary("Dismiss a claimed case: the flag was not a breach")
            .WithDescription("""
                The counsellor who claimed the case closes it with a written reason; nothing happens to the recipient.
                Publishes `FlagDismissed`.
                """)
            .WithRequestExample("""{"reason":"Arrêt maladie justifié pour ces semaines."}""")
            .ProducesCaseConflicts();
        work.MapPost("/resolve", Resolve).ValidateRequest<ResolveRequest>()
            .WithName("ResolveReviewCase")
            .WithSummary("Resolve a claimed case with a support action")
            .WithDescription("""
                The counsellor who claimed the case closes it with the support action agreed with the recipient and a reason;
                no sanction follows. Publishes `FlagResolved`.
                """)
            .WithRequestExample("""{"supportAction":"Rendez-vous avec la conseillère emploi","reason":"Difficultés de garde d'enfant."}""")
            .ProducesCaseConflicts();
        work.MapPost("/sanction-proposals", Propose).ValidateRequest<SanctionProposalRequest>().WithIdempotencyKey()
            .WithName("ProposeSanction")
            .WithSummary("Propose a sanction on a claimed case")
            .WithDescription("""
                The counsellor who claimed the case proposes a suspension (percent, months, start month, reason) within the
                legal bounds, with the proportionality assessment of CASF R262-68-5 (every item answered, or 422 naming
                the item): starting at the earliest the month after today, for a breach (the flag's week and the three
                before) not already sanctioned or proposed, and keeping the household's total withheld in every month within
                the cap of CASF R262-68-6. A notice is produced at once (API, PDF letter, and e-mail when the recipient gave an address); the observation window runs from its first proof of receipt.
                Nothing changes for the allocation until a second person approves. Publishes `SanctionProposed` and
                `RecipientNotified`.
                """)
            .WithRequestExample("""
                {"percent":30,"months":1,"startMonth":"2027-01","reason":"Trois semaines sous l'engagement.",
                 "assessment":{"vulnerability":"Aucune vulnérabilité connue ; santé évoquée en entretien, sans suite.",
                   "dependants":"Personne seule, sans enfant à charge.","natureAndFrequency":"Trois semaines sur quatre sous l'engagement, premier manquement.",
                   "consequences":"30 % pendant un mois : le loyer reste couvert par l'aide au logement."}}
                """)
            .ProducesCaseConflicts()
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.SanctionNotAllowed, "The flag's rule does not allow a sanction.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.BreachAlreadySanctioned, "These weeks were already sanctioned or proposed.")
            .ProducesProblemType(
                StatusCodes.Status409Conflict, ReviewProblems.HouseholdCapExceeded, "With the household's other suspensions, a month would exceed the cap.")
            .ProducesProblemType(
                StatusCodes.Status409Conflict, ReviewProblems.BreachWeekExcused, "An accepted justified absence covers a week of the breach.");
        return endpoints;
    }

    /// <summary>
    /// The queue, oldest first, optionally narrowed to one rule or one recipient. Deliberately no score or risk
    /// ranking: every flag is a question of equal weight. Only the recipients of the agent's départements are listed.
    /// </summary>
    private static async Task<Ok<CasePage>> Queue(
        [AsParameters] CaseQuery query, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        var (total, items) = await ReviewReads.QueueAsync(
            database, query.State, query.Rule, query.Recipient, user.ListFilter(), query.Offset, query.Size, cancellationToken);
        return TypedResults.Ok(new CasePage(query.State, query.Number, query.Size, total, items));
    }

    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> GetOne(Guid caseId, ServiceDatabase database, CancellationToken cancellationToken) =>
        await ReviewReads.CaseAsync(database, caseId, cancellationToken) is { } view ? TypedResults.Ok(view) : ReviewProblems.CaseNotFound();

    /// <summary>Takes an open case. Claiming one's own case again changes nothing.</summary>
    private static Task<Results<Ok<CaseView>, ProblemHttpResult>> Claim(
        Guid caseId, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(caseId, database, found => found.Claim(user.SubjectId(), time.GetUtcNow()), cancellationToken);

    private static Task<Results<Ok<CaseView>, ProblemHttpResult>> Dismiss(
        Guid caseId, ReasonRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(caseId, database, found => found.Dismiss(user.SubjectId(), request.Reason!.Trim(), time.GetUtcNow()), cancellationToken);

    private static Task<Results<Ok<CaseView>, ProblemHttpResult>> Resolve(
        Guid caseId, ResolveRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(
            caseId, database, found => found.Resolve(user.SubjectId(), request.SupportAction!.Trim(), request.Reason!.Trim(), time.GetUtcNow()),
            cancellationToken);

    /// <summary>
    /// Proposes a sanction on a sanction-eligible flag and notifies the recipient in the same transaction (nothing is
    /// decided here); the bounds and the repeated-breach and household rules are the <see cref="Case"/>'s.
    /// </summary>
    private static async Task<Results<Created<ProposalView>, ProblemHttpResult>> Propose(
        Guid caseId,
        SanctionProposalRequest request,
        ClaimsPrincipal user,
        IOptions<ReviewOptions> options,
        ServiceDatabase database,
        NoticeMailSignal mail,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        if (await ReviewLocks.CaseAsync(work, caseId) is not { } found)
        {
            return ReviewProblems.CaseNotFound();
        }

        await ReviewLocks.RecipientAsync(work, found.RecipientId);
        var standing = await ProposalStore.StandingAsync(work, found.RecipientId, excludingProposal: null);
        var assessment = request.Assessment!;
        var terms = new SanctionTerms(
            request.Percent!.Value, request.Months!.Value, request.StartMonth!, request.Reason!.Trim(),
            new SanctionAssessment(
                assessment.Vulnerability!.Trim(), assessment.Dependants!.Trim(), assessment.NatureAndFrequency!.Trim(), assessment.Consequences!.Trim()));
        var outcome = found.Propose(
            user.SubjectId(), terms, standing, options.Value.ObservationWindow, Guid.CreateVersion7(now), Guid.CreateVersion7(now), now);
        if (outcome.Refusal is { } refusal)
        {
            return ReviewProblems.For(refusal);
        }

        await ReviewChanges.SaveAsync(work, outcome.Change!);
        // The notice is produced with the proposal, in its transaction: no proposal exists without its notice.
        var emailed = await NoticeDelivery.IssueAsync(work, outcome.Change!.Proposal!, now);
        await work.CommitAsync(cancellationToken);
        if (emailed)
        {
            mail.Wake();
        }

        var proposalId = outcome.Change!.Proposal!.ProposalId;
        var saved = await ReviewReads.ProposalAsync(database, proposalId, cancellationToken);
        return TypedResults.Created($"/api/review/sanction-proposals/{proposalId}", saved!);
    }

    /// <summary>Locks the case, asks it for the change, saves it with its events in one transaction, and answers the case.</summary>
    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> ChangeAsync(
        Guid caseId, ServiceDatabase database, Func<Case, Outcome> change, CancellationToken cancellationToken)
    {
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await ReviewLocks.CaseAsync(work, caseId) is not { } found)
            {
                return ReviewProblems.CaseNotFound();
            }

            var outcome = change(found);
            if (outcome.Refusal is { } refusal)
            {
                return ReviewProblems.For(refusal);
            }

            await ReviewChanges.SaveAsync(work, outcome.Change!);
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok((await ReviewReads.CaseAsync(database, caseId, cancellationToken))!);
    }
}
