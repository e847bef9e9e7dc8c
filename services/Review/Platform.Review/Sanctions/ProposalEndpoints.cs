using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Review;
using Platform.Review.Cases;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Sanctions;

public static class ProposalEndpoints
{
    private static RouteHandlerBuilder ProducesDecisionProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesNotFound("This proposal does not exist.")
        .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.ForbiddenSelfApproval, "The proposer cannot decide their own proposal.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "The proposal was already decided.");

    public static IEndpointRouteBuilder MapProposalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/review/sanction-proposals").WithTags("Sanction proposals");
        group.MapGet("/{proposalId:guid}", GetOne).RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor, Roles.Supervisor))
            .WithName("GetSanctionProposal")
            .WithSummary("Read a sanction proposal")
            .WithDescription("""
                The proposal's terms, who proposed it, when the recipient was notified and may answer until, and, once
                decided, who decided, when, why and the signed decision's id. Changes nothing.
                """)
            .ProducesNotFound("This proposal does not exist.");
        group.MapPost("/{proposalId:guid}/approve", Approve).RequireAuthorization(policy => policy.RequireRole(Roles.Supervisor))
            .ValidateRequest<ReasonRequest>()
            .WithName("ApproveSanctionProposal")
            .WithSummary("Approve a sanction: the second person's decision")
            .WithDescription("""
                A supervisor other than the proposer approves, with a reason, once the recipient has answered or the
                observation window has closed. The review service signs the decision. Publishes `SanctionDecided` (signed),
                which the allocations service verifies before changing anything.
                """)
            .WithRequestExample("""{"reason":"Observation lue ; manquement confirmé en entretien."}""")
            .ProducesDecisionProblems()
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ObservationWindowOpen, "The recipient may still answer and has not yet.");
        group.MapPost("/{proposalId:guid}/reject", Reject).RequireAuthorization(policy => policy.RequireRole(Roles.Supervisor))
            .ValidateRequest<ReasonRequest>()
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
        Guid proposalId, ServiceDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var proposal = await connection.QuerySingleOrDefaultAsync<ProposalView>(
            $"{ProposalSql.Select} WHERE proposal_id = @proposalId", new { proposalId });
        return proposal is null ? ReviewProblems.ProposalNotFound() : TypedResults.Ok(proposal);
    }

    /// <summary>
    /// Approves a proposal: a second person, after the recipient was heard. The decision is signed here, in the same
    /// transaction that records it, and is the only event the allocations service will act on.
    /// </summary>
    private static Task<Results<Ok<ProposalView>, ProblemHttpResult>> Approve(
        Guid proposalId,
        ReasonRequest request,
        ClaimsPrincipal user,
        DecisionSigner signer,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        DecideAsync(proposalId, request, approve: true, user, signer, database, time, cancellationToken);

    private static Task<Results<Ok<ProposalView>, ProblemHttpResult>> Reject(
        Guid proposalId,
        ReasonRequest request,
        ClaimsPrincipal user,
        DecisionSigner signer,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken) =>
        DecideAsync(proposalId, request, approve: false, user, signer, database, time, cancellationToken);

    private static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> DecideAsync(
        Guid proposalId,
        ReasonRequest request,
        bool approve,
        ClaimsPrincipal user,
        DecisionSigner signer,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var me = user.SubjectId();
        await using var work = await database.BeginAsync(cancellationToken);
        // Case first, then proposal: the order the expiry job and the withdrawal consumer lock them in, so they cannot deadlock.
        await work.Connection.ExecuteAsync(
            "SELECT 1 FROM cases WHERE case_id = (SELECT case_id FROM proposals WHERE proposal_id = @proposalId) FOR UPDATE",
            new { proposalId },
            work.Transaction);
        var proposal = await work.Connection.QuerySingleOrDefaultAsync<ProposalRow>(
            """
            SELECT proposal_id, case_id, flag_id, recipient_id, rule_id, percent, months, start_month, repeated_breach,
                   proposed_by, notification_id, notified_at, answer_by, state
            FROM proposals WHERE proposal_id = @proposalId FOR UPDATE
            """,
            new { proposalId },
            work.Transaction);
        if (proposal is null)
        {
            return ReviewProblems.ProposalNotFound();
        }

        var now = time.GetUtcNow();
        var observedAt = await work.Connection.ExecuteScalarAsync<DateTimeOffset?>(
            """
            SELECT min(received_at) FROM observations
            WHERE flag_id = @FlagId AND received_at >= @NotifiedAt AND received_at <= @now
            """,
            new { proposal.FlagId, proposal.NotifiedAt, now },
            work.Transaction);
        var gate = ApprovalGate.Evaluate(
            me, proposal.ProposedBy, proposal.State == "pending", proposal.NotifiedAt, proposal.AnswerBy, observedAt, now);
        switch (gate)
        {
            case ApprovalOutcome.SelfApproval:
                return ReviewProblems.SelfApproval();
            case ApprovalOutcome.NotPending:
                return Problems.Conflict(
                    ReviewProblems.ProposalNotPending,
                    "Cette proposition n'attend plus de décision (déjà décidée, retirée ou expirée).",
                    "This proposal no longer awaits a decision (already decided, withdrawn or expired).");
            case ApprovalOutcome.WindowOpen when approve:
                return ReviewProblems.WindowOpen(proposal.AnswerBy);
            default:
                break;
        }

        var reason = request.Reason!.Trim();
        if (approve)
        {
            var decision = signer.Sign(new SanctionDecided(
                Guid.CreateVersion7(now),
                proposal.ProposalId,
                proposal.CaseId,
                proposal.FlagId,
                proposal.RecipientId,
                proposal.RuleId,
                proposal.Percent,
                proposal.Months,
                proposal.StartMonth,
                proposal.RepeatedBreach,
                proposal.ProposedBy,
                me,
                proposal.NotificationId,
                proposal.NotifiedAt,
                proposal.AnswerBy,
                observedAt,
                now,
                KeyId: "",
                Signature: "") { OccurredAt = now });
            await Close(work, proposal, "approved", me, now, reason, decision.DecisionId, CaseStates.Sanctioned);
            work.Publish(decision);
        }
        else
        {
            // A rejection only ever favours the recipient, so it needs no wait for their observations.
            await Close(work, proposal, "rejected", me, now, reason, null, CaseStates.Rejected);
            work.Publish(new SanctionRejected(proposal.ProposalId, proposal.CaseId, proposal.FlagId, proposal.RecipientId, me, reason)
            {
                OccurredAt = now,
            });
        }

        await work.CommitAsync(cancellationToken);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(await connection.QuerySingleAsync<ProposalView>(
            $"{ProposalSql.Select} WHERE proposal_id = @proposalId", new { proposalId }));
    }

    private static async Task Close(
        ServiceTransaction work, ProposalRow proposal, string state, string me, DateTimeOffset now, string reason, Guid? decisionId, string caseState)
    {
        await work.Connection.ExecuteAsync(
            """
            UPDATE proposals SET state = @state, decided_by = @me, decided_at = @now, decision_reason = @reason, decision_id = @decisionId
            WHERE proposal_id = @ProposalId
            """,
            new { state, me, now, reason, decisionId, proposal.ProposalId },
            work.Transaction);
        await work.Connection.ExecuteAsync(
            "UPDATE cases SET state = @caseState, closed_at = @now WHERE case_id = @CaseId",
            new { caseState, now, proposal.CaseId },
            work.Transaction);
        await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, proposal.CaseId, now, "sanction-" + state, me, reason);
    }

    private sealed record ProposalRow(
        Guid ProposalId,
        Guid CaseId,
        Guid FlagId,
        string RecipientId,
        string RuleId,
        int Percent,
        int Months,
        string StartMonth,
        bool RepeatedBreach,
        string ProposedBy,
        Guid NotificationId,
        DateTimeOffset NotifiedAt,
        DateTimeOffset AnswerBy,
        string State);
}
