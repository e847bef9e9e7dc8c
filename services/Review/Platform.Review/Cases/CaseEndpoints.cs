using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Contracts;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Cases;

public static class CaseEndpoints
{
    public const int MaxPageSize = 100;

    /// <summary>What <see cref="ReviewProblems.RequireClaimedBy"/> may answer, for the actions on a claimed case.</summary>
    private static RouteHandlerBuilder ProducesCaseConflicts(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesNotFound("This case does not exist.")
        .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.NotYourCase, "Another counsellor claimed this case.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.CaseNotClaimed, "The case must be claimed first.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "A sanction proposal awaits a decision.")
        .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.CaseClosed, "The case is closed.");

    public static IEndpointRouteBuilder MapCaseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/review/cases").WithTags("Review cases");
        group.MapGet("", Queue).RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor, Roles.Supervisor))
            .WithName("ListReviewCases")
            .WithSummary("The review queue, oldest first")
            .WithDescription("""
                Cases in a state (`status`, open by default), optionally for one rule or one recipient, oldest first and never
                ranked or scored: every flag is a question of equal weight. Paged (`page` from 1, `pageSize`). Changes nothing.
                """);
        group.MapGet("/{caseId:guid}", GetOne).RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor, Roles.Supervisor))
            .WithName("GetReviewCase")
            .WithSummary("Read a case")
            .WithDescription("""
                The flag with its declared facts, rule and explanation, the case's state and history, its proposals and the
                recipient's observations. Changes nothing.
                """)
            .ProducesNotFound("This case does not exist.");
        group.MapPost("/{caseId:guid}/claim", Claim).RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor))
            .WithName("ClaimReviewCase")
            .WithSummary("Take an open case")
            .WithDescription("""
                The counsellor takes the case: only they may then dismiss, resolve or propose a sanction. Claiming one's own
                claimed case again answers it unchanged. Publishes `CaseClaimed`.
                """)
            .ProducesNotFound("This case does not exist.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.CaseNotOpen, "Someone else claimed the case, or it is closed.");
        group.MapPost("/{caseId:guid}/dismiss", Dismiss).RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor))
            .ValidateRequest<ReasonRequest>()
            .WithName("DismissReviewCase")
            .WithSummary("Dismiss a claimed case: the flag was not a breach")
            .WithDescription("""
                The counsellor who claimed the case closes it with a written reason; nothing happens to the recipient.
                Publishes `FlagDismissed`.
                """)
            .WithRequestExample("""{"reason":"Arrêt maladie justifié pour ces semaines."}""")
            .ProducesCaseConflicts();
        group.MapPost("/{caseId:guid}/resolve", Resolve).RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor))
            .ValidateRequest<ResolveRequest>()
            .WithName("ResolveReviewCase")
            .WithSummary("Resolve a claimed case with a support action")
            .WithDescription("""
                The counsellor who claimed the case closes it with the support action agreed with the recipient and a reason;
                no sanction follows. Publishes `FlagResolved`.
                """)
            .WithRequestExample("""{"supportAction":"Rendez-vous avec la conseillère emploi","reason":"Difficultés de garde d'enfant."}""")
            .ProducesCaseConflicts();
        group.MapPost("/{caseId:guid}/sanction-proposals", Propose)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Counsellor))
            .ValidateRequest<SanctionProposalRequest>()
            .WithIdempotencyKey()
            .WithName("ProposeSanction")
            .WithSummary("Propose a sanction on a claimed case")
            .WithDescription("""
                The counsellor who claimed the case proposes a suspension (percent, months, start month, reason) within the
                legal bounds; the recipient is notified at once and may answer during the observation window. Nothing changes
                for the allocation until a second person approves. Publishes `SanctionProposed` and `RecipientNotified`.
                """)
            .WithRequestExample("""{"percent":30,"months":1,"startMonth":"2026-12","reason":"Trois semaines sous l'engagement."}""")
            .ProducesCaseConflicts()
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.SanctionNotAllowed, "The flag's rule does not allow a sanction.");
        return endpoints;
    }

    /// <summary>
    /// The queue, oldest first, optionally narrowed to one rule or one recipient. Deliberately no score or risk
    /// ranking: every flag is a question of equal weight.
    /// </summary>
    private static async Task<Results<Ok<CasePage>, ProblemHttpResult>> Queue(
        string? status, string? rule, string? recipient, int? page, int? pageSize, ServiceDatabase database, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        status ??= CaseStates.Open;
        if (!CaseStates.All.Contains(status))
        {
            errors["status"] = [Localized.Text(
                $"État inconnu « {status} » ; valeurs possibles : {string.Join(", ", CaseStates.All)}.",
                $"Unknown status '{status}'; possible values: {string.Join(", ", CaseStates.All)}.")];
        }

        if (page is < 1)
        {
            errors["page"] = [Localized.Text("La page commence à 1.", "Pages start at 1.")];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [Localized.Text(
                $"La taille de page va de 1 à {MaxPageSize}.", $"The page size is between 1 and {MaxPageSize}.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var number = page ?? 1;
        var size = pageSize ?? 20;
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        const string Filter = "state = @status AND (@rule::text IS NULL OR rule_id = @rule) AND (@recipient::text IS NULL OR recipient_id = @recipient)";
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM cases WHERE {Filter}", new { status, rule, recipient });
        var rows = (await connection.QueryAsync<CaseRow>(
            $"{CaseRow.Select} WHERE {Filter} ORDER BY opened_at, case_id LIMIT @size OFFSET @offset",
            new { status, rule, recipient, size, offset = (number - 1) * size })).ToList();
        return TypedResults.Ok(new CasePage(status, number, size, total, await CaseStore.ViewsAsync(connection, rows)));
    }

    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> GetOne(
        Guid caseId, ServiceDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var row = await CaseStore.FindAsync(connection, caseId);
        return row is null ? ReviewProblems.CaseNotFound() : TypedResults.Ok(await CaseStore.ViewAsync(connection, row));
    }

    /// <summary>Takes an open case. Claiming one's own case again changes nothing.</summary>
    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Claim(
        Guid caseId, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = user.SubjectId();
        await using var work = await database.BeginAsync(cancellationToken);
        var row = await CaseStore.FindAsync(work.Connection, caseId, work.Transaction, forUpdate: true);
        if (row is null)
        {
            return ReviewProblems.CaseNotFound();
        }

        if (row.State == CaseStates.Claimed && row.ClaimedBy == me)
        {
            return TypedResults.Ok(await CaseStore.ViewAsync(work.Connection, row, work.Transaction));
        }

        if (row.State != CaseStates.Open)
        {
            return Problems.Conflict(
                ReviewProblems.CaseNotOpen,
                "Ce dossier n'est plus ouvert : il a été pris par quelqu'un d'autre ou il est clos.",
                "This case is no longer open: someone else claimed it or it is closed.");
        }

        var now = time.GetUtcNow();
        await CaseStore.SetStateAsync(work.Connection, work.Transaction, caseId, CaseStates.Claimed, me, null);
        await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, caseId, now, "claimed", me, null);
        work.Publish(new CaseClaimed(caseId, row.FlagId, row.RecipientId, me) { OccurredAt = now });
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(await CaseStore.ReadAsync(database.DataSource, caseId, cancellationToken));
    }

    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Dismiss(
        Guid caseId,
        ReasonRequest request,
        ClaimsPrincipal user,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var reason = request.Reason!.Trim();
        return await CloseAsync(caseId, CaseStates.Dismissed, reason, user.SubjectId(), database, time,
            (row, me) => new FlagDismissed(caseId, row.FlagId, row.RecipientId, row.RuleId, me, reason), cancellationToken);
    }

    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Resolve(
        Guid caseId,
        ResolveRequest request,
        ClaimsPrincipal user,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var supportAction = request.SupportAction!.Trim();
        var reason = request.Reason!.Trim();
        return await CloseAsync(caseId, CaseStates.Resolved, $"{supportAction} — {reason}", user.SubjectId(), database, time,
            (row, me) => new FlagResolved(caseId, row.FlagId, row.RecipientId, row.RuleId, me, supportAction, reason), cancellationToken);
    }

    /// <summary>Closes a case its caller has claimed, with the outcome's history line and event, in one transaction.</summary>
    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> CloseAsync(
        Guid caseId,
        string state,
        string detail,
        string me,
        ServiceDatabase database,
        TimeProvider time,
        Func<CaseRow, string, PlatformEvent> outcome,
        CancellationToken cancellationToken)
    {
        await using var work = await database.BeginAsync(cancellationToken);
        var row = await CaseStore.FindAsync(work.Connection, caseId, work.Transaction, forUpdate: true);
        if (row is null)
        {
            return ReviewProblems.CaseNotFound();
        }

        if (ReviewProblems.RequireClaimedBy(row, me) is { } problem)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        await CaseStore.SetStateAsync(work.Connection, work.Transaction, caseId, state, me, now);
        await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, caseId, now, state, me, detail);
        work.Publish(outcome(row, me) with { OccurredAt = now });
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(await CaseStore.ReadAsync(database.DataSource, caseId, cancellationToken));
    }

    /// <summary>
    /// Proposes a sanction on a sanction-eligible flag, within CASF R262-68's bounds for this household and this
    /// recipient's history, and notifies the recipient in the same transaction (nothing is decided here).
    /// </summary>
    private static async Task<Results<Created<ProposalView>, ProblemHttpResult>> Propose(
        Guid caseId,
        SanctionProposalRequest request,
        ClaimsPrincipal user,
        IOptions<ReviewOptions> options,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var me = user.SubjectId();
        var now = time.GetUtcNow();
        if (!Months.TryParse(request.StartMonth, out var startMonth) || startMonth < Months.Of(now))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["startMonth"] = [Localized.Text(
                    "Une sanction ne peut pas commencer dans un mois déjà passé.", "A sanction cannot start in a month already past.")],
            });
        }

        await using var work = await database.BeginAsync(cancellationToken);
        var row = await CaseStore.FindAsync(work.Connection, caseId, work.Transaction, forUpdate: true);
        if (row is null)
        {
            return ReviewProblems.CaseNotFound();
        }

        if (ReviewProblems.RequireClaimedBy(row, me) is { } problem)
        {
            return problem;
        }

        if (!row.SanctionEligible)
        {
            return Problems.Conflict(
                ReviewProblems.SanctionNotAllowed,
                "La règle à l'origine de ce signalement ne permet pas de proposer une sanction : classez le dossier ou proposez un accompagnement.",
                "The rule behind this flag does not allow a sanction to be proposed: dismiss the case or offer support.");
        }

        // "Repeated" (CASF R262-68) means this recipient has already been sanctioned by an approved decision.
        var repeated = await work.Connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM proposals WHERE recipient_id = @RecipientId AND state = 'approved')",
            new { row.RecipientId },
            work.Transaction);
        var household = await work.Connection.QuerySingleOrDefaultAsync<(int HouseholdSize, bool LoneParentIncrease)?>(
            "SELECT household_size, lone_parent_increase FROM households WHERE recipient_id = @RecipientId",
            new { row.RecipientId },
            work.Transaction);
        // Household unknown: assume the cap applies, the reading that protects the household.
        var (householdSize, loneParent) = household ?? (2, false);
        var violations = SanctionBounds.Check(request.Percent!.Value, request.Months!.Value, repeated, householdSize, loneParent);
        if (violations.Count > 0)
        {
            return Problems.Validation(violations
                .GroupBy(violation => violation.Field)
                .ToDictionary(group => group.Key, group => group.Select(violation => Localized.Text(violation.Fr, violation.En)).ToArray()));
        }

        var proposalId = Guid.CreateVersion7(now);
        var notificationId = Guid.CreateVersion7(now);
        var answerBy = now + options.Value.ObservationWindow;
        var reason = request.Reason!.Trim();
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO proposals (proposal_id, case_id, flag_id, recipient_id, rule_id, percent, months, start_month, repeated_breach,
                                   proposed_by, reason, notification_id, notified_at, answer_by, state)
            VALUES (@proposalId, @caseId, @FlagId, @RecipientId, @RuleId, @percent, @months, @startMonth, @repeated,
                    @me, @reason, @notificationId, @now, @answerBy, 'pending')
            """,
            new
            {
                proposalId, caseId, row.FlagId, row.RecipientId, row.RuleId, percent = request.Percent.Value, months = request.Months.Value,
                startMonth = request.StartMonth, repeated, me, reason, notificationId, now, answerBy,
            },
            work.Transaction);
        await CaseStore.SetStateAsync(work.Connection, work.Transaction, caseId, CaseStates.Proposed, me, null);
        await CaseStore.AddHistoryAsync(
            work.Connection, work.Transaction, caseId, now, "sanction-proposed", me,
            $"{request.Percent} % × {request.Months} ({request.StartMonth}) — {reason}");
        work.Publish(new SanctionProposed(
            proposalId, caseId, row.FlagId, row.RecipientId, row.RuleId, request.Percent.Value, request.Months.Value, request.StartMonth!,
            repeated, me, reason) { OccurredAt = now });
        work.Publish(new RecipientNotified(
            notificationId, proposalId, caseId, row.FlagId, row.RecipientId, request.Percent.Value, request.Months.Value, request.StartMonth!,
            now, answerBy, row.RuleId, row.ToFlag().Facts, new Explanation(row.ExplanationFr, row.ExplanationEn), reason) { OccurredAt = now });
        await work.CommitAsync(cancellationToken);

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var saved = await connection.QuerySingleAsync<ProposalView>($"{ProposalSql.Select} WHERE proposal_id = @proposalId", new { proposalId });
        return TypedResults.Created($"/api/review/sanction-proposals/{proposalId}", saved);
    }
}
