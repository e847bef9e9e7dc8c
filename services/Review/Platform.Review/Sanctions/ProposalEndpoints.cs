using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Review.Cases;
using Platform.Review.Domain;
using Platform.Review.Letters;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Sanctions;

/// <summary>The second person's decision on a sanction proposal: load, ask the <see cref="Proposal"/>, save, answer.</summary>
public static class ProposalEndpoints
{
    private static RouteHandlerBuilder ProducesDecisionProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesNotFound("This proposal does not exist.")
        .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.ForbiddenSelfApproval, "The proposer cannot decide their own proposal.")
        .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.NoDelegation, "The decider holds no delegation of the président in force today.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "The proposal was already decided.");

    public static IEndpointRouteBuilder MapProposalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/review/sanction-proposals").WithTags("Sanction proposals").RequireAuthorization(Policies.CaseWorker);
        read.MapGet("/{proposalId:guid}", GetOne)
            .WithName("GetSanctionProposal")
            .WithSummary("Read a sanction proposal")
            .WithDescription("""
                The proposal's terms, who proposed it, when the recipient was notified and may answer until, and, once
                decided, who decided, when, why and the signed decision's id. Changes nothing.
                """)
            .ProducesNotFound("This proposal does not exist.");

        var decide = endpoints.MapGroup("/api/review/sanction-proposals/{proposalId:guid}").WithTags("Sanction proposals")
            .RequireAuthorization(Policies.Supervisor);
        decide.MapPost("/approve", Approve).ValidateRequest<ReasonRequest>()
            .WithName("ApproveSanctionProposal")
            .WithSummary("Approve a sanction: the second person's decision")
            .WithDescription("""
                A supervisor other than the proposer approves, with a reason, once the recipient received the notice (a first proof of
                receipt) and their answer window closed: its deadline, counted from that receipt, passed, or they said they had
                nothing to add, or the hearing they asked for was held (a first observation does not close it; a requested
                hearing not yet held blocks any approval). And only while the sanction still keeps its bounds: its start month after
                today's, its breach not sanctioned since nor covered by a justified absence accepted since, the household's
                total within the cap. The review service signs the decision, breach period and how the window closed included.
                Publishes `SanctionDecided` (signed), which the allocations service verifies, and checks against the same bounds,
                before changing anything.
                """)
            .WithRequestExample("""{"reason":"Observation lue ; manquement confirmé en entretien."}""")
            .ProducesDecisionProblems()
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ObservationWindowOpen, "The recipient may still answer or ask to be heard.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.HearingPending, "The hearing the recipient asked for has not been held.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.StartMonthRetroactive, "The start month has begun: the decision would apply to the past.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.BreachAlreadySanctioned, "These weeks were sanctioned since.")
            .ProducesProblemType(
                StatusCodes.Status409Conflict, ReviewProblems.HouseholdCapExceeded, "With the household's other suspensions, a month would exceed the cap.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.NoticeNotReceived, "Nothing proves yet that the recipient received the notice.")
            .ProducesProblemType(
                StatusCodes.Status409Conflict, ReviewProblems.BreachWeekExcused, "An absence accepted since the proposal covers a week of the breach.");
        decide.MapPost("/reject", Reject).ValidateRequest<ReasonRequest>()
            .WithName("RejectSanctionProposal")
            .WithSummary("Reject a sanction proposal")
            .WithDescription("""
                A supervisor other than the proposer rejects, with a reason, at any time: a rejection only favours the
                recipient. The case closes without a sanction. Publishes `SanctionRejected`.
                """)
            .WithRequestExample("""{"reason":"Le manquement n'est pas établi."}""")
            .ProducesDecisionProblems();
        return endpoints;
    }

    private static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> GetOne(
        Guid proposalId, ServiceDatabase database, CancellationToken cancellationToken) =>
        await ReviewReads.ProposalAsync(database, proposalId, cancellationToken) is { } proposal
            ? TypedResults.Ok(proposal)
            : ReviewProblems.ProposalNotFound();

    /// <summary>
    /// Approves a proposal: a second person, after the recipient was heard, while it keeps the bounds against the
    /// recipient's other approved sanctions and today's date. The decision is signed here, in the same
    /// transaction that records it, and is the only event the allocations service will act on.
    /// </summary>
    private static Task<Results<Ok<ProposalView>, ProblemHttpResult>> Approve(
        Guid proposalId,
        ReasonRequest request,
        ClaimsPrincipal user,
        DecisionSigner signer,
        ServiceDatabase database,
        IOptions<LetterOptions> letters,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        DecideAsync(
            proposalId,
            user,
            database,
            letters.Value,
            time,
            async (work, found, proposal) =>
            {
                var now = time.GetUtcNow();
                var observedAt = await ObservationStore.FirstSinceNotifiedAsync(work, proposal, now);
                var window = await ObservationStore.WindowAsync(work, proposal, now);
                await ReviewLocks.RecipientAsync(work, proposal.RecipientId);
                var standing = await ProposalStore.StandingAsync(work, proposal.RecipientId, excludingProposal: proposal.ProposalId);
                return proposal.Approve(found, user.SubjectId(), request.Reason!.Trim(), observedAt, window, standing, now, signer.Sign);
            },
            cancellationToken);

    private static Task<Results<Ok<ProposalView>, ProblemHttpResult>> Reject(
        Guid proposalId, ReasonRequest request, ClaimsPrincipal user, ServiceDatabase database, IOptions<LetterOptions> letters, TimeProvider time,
        CancellationToken cancellationToken) =>
        DecideAsync(
            proposalId,
            user,
            database,
            letters.Value,
            time,
            (_, found, proposal) => Task.FromResult(proposal.Reject(found, user.SubjectId(), request.Reason!.Trim(), time.GetUtcNow())),
            cancellationToken);

    /// <summary>
    /// Decides in one transaction: the proposal's own checks first, then the decider's delegation in force today (403
    /// without one, nothing written), then the decision and its letter together.
    /// </summary>
    private static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> DecideAsync(
        Guid proposalId, ClaimsPrincipal user, ServiceDatabase database, LetterOptions letters, TimeProvider time,
        Func<ServiceTransaction, Case, Proposal, Task<Outcome>> decide, CancellationToken cancellationToken)
    {
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await ReviewLocks.ProposalAsync(work, proposalId) is not (Case found, Proposal proposal))
            {
                return ReviewProblems.ProposalNotFound();
            }

            var outcome = await decide(work, found, proposal);
            if (outcome.Refusal is { } refusal)
            {
                return ReviewProblems.For(refusal);
            }

            var now = time.GetUtcNow();
            // In the name of the président of the recipient's département: only under one of their delegations.
            var (delegationInForce, departement) = await LetterDelivery.DelegationForRecipientAsync(work, user.SubjectId(), proposal.RecipientId, letters, now);
            if (delegationInForce is not { } delegation)
            {
                return ReviewProblems.WithoutDelegation(departement);
            }

            await ReviewChanges.SaveAsync(work, outcome.Change!);
            await LetterDelivery.IssueAsync(work, outcome.Change!, delegation, now);
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok((await ReviewReads.ProposalAsync(database, proposalId, cancellationToken))!);
    }
}
