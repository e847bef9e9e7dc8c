using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Review.Domain;
using Platform.Review.Notices;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Cases;

/// <summary>The counsellors' queue and their work on a case: load, ask the <see cref="Case"/>, save, answer.</summary>
public static class CaseEndpoints
{
    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/review/cases").WithTags("Review cases").RequireAuthorization(Policies.CaseWorker);
        read.MapGet("", Queue).ValidateRequest<CaseQuery>();
        read.MapGet("/{caseId:guid}", GetOne);

        var work = endpoints.MapGroup("/api/review/cases/{caseId:guid}").WithTags("Review cases").RequireAuthorization(Policies.Counsellor);
        work.MapPost("/claim", Claim);
        work.MapPost("/dismiss", Dismiss).ValidateRequest<ReasonRequest>();
        work.MapPost("/resolve", Resolve).ValidateRequest<ResolveRequest>();
        work.MapPost("/sanction-proposals", Propose).ValidateRequest<SanctionProposalRequest>().WithIdempotencyKey();
        return endpoints;
    }

    /// <summary>
    /// The queue, oldest first, optionally narrowed to one rule or one recipient. Deliberately no score or risk
    /// ranking: every flag is a question of equal weight.
    /// </summary>
    private static async Task<Ok<CasePage>> Queue([AsParameters] CaseQuery query, ServiceDatabase database, CancellationToken cancellationToken)
    {
        var (total, items) = await ReviewReads.QueueAsync(
            database, query.State, query.Rule, query.Recipient, query.Offset, query.Size, cancellationToken);
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

        var standing = new RecipientStanding(
            await ProposalStore.HasApprovedAsync(work, found.RecipientId), await HouseholdStore.FindAsync(work, found.RecipientId));
        var terms = new SanctionTerms(request.Percent!.Value, request.Months!.Value, request.StartMonth!, request.Reason!.Trim());
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
