using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Declarations.Absences;

/// <summary>
/// Justified absences (motif légitime, CASF R262-68-6; Conseil constitutionnel, décision n° 2023-858 DC): the person
/// declares them, a counsellor accepts or refuses each once, with a reason. An accepted absence excuses its weeks in
/// the rules and review services.
/// </summary>
public static class AbsenceEndpoints
{
    public const string AbsenceOverlaps = ProblemTypes.Base + "absence-overlaps";
    public const string AbsenceAlreadyDecided = ProblemTypes.Base + "absence-already-decided";

    public static IEndpointRouteBuilder MapAbsenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/absences").WithTags("Absences");
        group.MapPost("", Declare).RequireAuthorization(Policies.Recipient).ValidateRequest<DeclareAbsenceRequest>().WithIdempotencyKey()
            .WithName("DeclareAbsence")
            .WithSummary("Declare a justified absence over whole weeks")
            .WithDescription($"""
                The recipient declares that they could not meet their engagement from `fromWeek` to `toWeek` (ISO weeks,
                inclusive, at most {DeclareAbsenceValidator.MaxWeeks}, ending at most {DeclareAbsenceValidator.MonthsAhead} months ahead) for a legitimate
                reason: illness, hospitalisation, a childcare breakdown or another. The text is theirs; a document
                reference is optional. A period that overlaps one of their absences not refused answers 422. The absence awaits a
                counsellor's decision. Publishes `AbsenceDeclared` (weeks only: the kind and the text stay here).
                """)
            .WithRequestExample("""{"fromWeek":"2026-W46","toWeek":"2026-W47","kind":"illness","details":"Grippe, arrêt de travail de dix jours.","documentReference":"arret-2026-11-09.pdf"}""");
        group.MapGet("", List).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("ListAbsences")
            .WithSummary("List a recipient's justified absences")
            .WithDescription("""
                Every absence the recipient declared, newest period first, with its decision once taken. A recipient reads their
                own; a counsellor any recipient's. Changes nothing.
                """);
        group.MapGet("/{absenceId:guid}", GetOne).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("GetAbsence")
            .WithSummary("Read a justified absence")
            .WithDescription("The absence and its decision once taken. A recipient reads their own; a counsellor any recipient's. Changes nothing.")
            .ProducesNotFound("This absence does not exist.");
        group.MapPost("/{absenceId:guid}/accept", Accept).RequireAuthorization(Policies.Counsellor).ValidateRequest<AbsenceDecisionRequest>()
            .WithName("AcceptAbsence")
            .WithSummary("Accept a justified absence")
            .WithDescription("""
                A counsellor accepts the absence, with a reason the person reads. Its weeks are then excused: the rules raise no
                shortfall flag for them and withdraw an open one, and no sanction may be proposed on them. An absence is
                decided once (409 after). Publishes `AbsenceDecided`.
                """)
            .WithRequestExample("""{"reason":"Arrêt de travail reçu."}""")
            .ProducesNotFound("This absence does not exist.")
            .ProducesProblemType(StatusCodes.Status409Conflict, AbsenceAlreadyDecided, "The absence was already decided.");
        group.MapPost("/{absenceId:guid}/refuse", Refuse).RequireAuthorization(Policies.Counsellor).ValidateRequest<AbsenceDecisionRequest>()
            .WithName("RefuseAbsence")
            .WithSummary("Refuse a justified absence")
            .WithDescription("""
                A counsellor refuses the absence, with a reason the person reads. Nothing is excused; the person may declare
                the period again. An absence is decided once (409 after). Publishes `AbsenceDecided`.
                """)
            .WithRequestExample("""{"reason":"La période ne correspond pas au justificatif ; déclarez les bonnes semaines."}""")
            .ProducesNotFound("This absence does not exist.")
            .ProducesProblemType(StatusCodes.Status409Conflict, AbsenceAlreadyDecided, "The absence was already decided.");
        return endpoints;
    }

    private static async Task<Results<Created<AbsenceView>, ProblemHttpResult>> Declare(
        string recipientId, DeclareAbsenceRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        var from = IsoWeek.Parse(request.FromWeek!).ToString();
        var to = IsoWeek.Parse(request.ToWeek!).ToString();
        await using var work = await database.BeginAsync(cancellationToken);
        await work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('absences:' || @recipientId, 0))", new { recipientId }, work.Transaction);
        var overlapping = await work.Connection.QueryFirstOrDefaultAsync<AbsenceView>(
            $"""
            {AbsenceView.Select}
             WHERE a.recipient_id = @recipientId AND a.from_week <= @to AND a.to_week >= @from AND coalesce(d.accepted, true)
             ORDER BY a.from_week LIMIT 1
            """,
            new { recipientId, from, to }, work.Transaction);
        if (overlapping is not null)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["fromWeek"] = [Localized.Text(
                    $"Cette période chevauche votre absence des semaines {overlapping.FromWeek} à {overlapping.ToWeek} ({overlapping.Status}) : une semaine n'est déclarée absente qu'une fois.",
                    $"This period overlaps your absence of weeks {overlapping.FromWeek} to {overlapping.ToWeek} ({overlapping.Status}): a week is declared absent once only.")],
            });
        }

        var declaredAt = time.GetUtcNow();
        var absenceId = Guid.CreateVersion7(declaredAt);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO absences (absence_id, recipient_id, from_week, to_week, kind, details, document_reference, declared_at)
            VALUES (@absenceId, @recipientId, @from, @to, @Kind, @details, @documentReference, @declaredAt)
            """,
            new
            {
                absenceId,
                recipientId,
                from,
                to,
                request.Kind,
                details = request.Details!.Trim(),
                documentReference = request.DocumentReference?.Trim(),
                declaredAt,
            },
            work.Transaction);
        work.Publish(new AbsenceDeclared(absenceId, recipientId, from, to, declaredAt) { OccurredAt = declaredAt });
        var saved = await FindAsync(work, recipientId, absenceId);
        await work.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/recipients/{recipientId}/absences/{absenceId}", saved!);
    }

    private static Task<Results<Ok<AbsenceView>, ProblemHttpResult>> Accept(
        string recipientId, Guid absenceId, AbsenceDecisionRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time,
        CancellationToken cancellationToken) =>
        DecideAsync(recipientId, absenceId, accepted: true, request.Reason!.Trim(), user.SubjectId(), database, time, cancellationToken);

    private static Task<Results<Ok<AbsenceView>, ProblemHttpResult>> Refuse(
        string recipientId, Guid absenceId, AbsenceDecisionRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time,
        CancellationToken cancellationToken) =>
        DecideAsync(recipientId, absenceId, accepted: false, request.Reason!.Trim(), user.SubjectId(), database, time, cancellationToken);

    /// <summary>Records the one decision an absence gets and publishes it, in one transaction.</summary>
    private static async Task<Results<Ok<AbsenceView>, ProblemHttpResult>> DecideAsync(
        string recipientId, Guid absenceId, bool accepted, string reason, string decidedBy, ServiceDatabase database, TimeProvider time,
        CancellationToken cancellationToken)
    {
        await using var work = await database.BeginAsync(cancellationToken);
        await work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('absences:' || @recipientId, 0))", new { recipientId }, work.Transaction);
        if (await FindAsync(work, recipientId, absenceId) is not { } absence)
        {
            return NotFound();
        }

        if (absence.Status != AbsenceView.Pending)
        {
            return Problems.Conflict(
                AbsenceAlreadyDecided,
                $"Cette absence a déjà été {(absence.Status == AbsenceView.Accepted ? "acceptée" : "refusée")} ; une décision ne se reprend pas.",
                $"This absence was already {absence.Status}; a decision is not taken twice.");
        }

        var decidedAt = time.GetUtcNow();
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO absence_decisions (absence_id, accepted, reason, decided_by, decided_at)
            VALUES (@absenceId, @accepted, @reason, @decidedBy, @decidedAt)
            """,
            new { absenceId, accepted, reason, decidedBy, decidedAt },
            work.Transaction);
        work.Publish(new AbsenceDecided(absenceId, recipientId, absence.FromWeek, absence.ToWeek, accepted, decidedBy, decidedAt)
        {
            OccurredAt = decidedAt,
        });
        var saved = await FindAsync(work, recipientId, absenceId);
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(saved!);
    }

    private static async Task<Results<Ok<AbsenceList>, ProblemHttpResult>> List(
        string recipientId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        var items = await connection.QueryAsync<AbsenceView>(
            $"{AbsenceView.Select} WHERE a.recipient_id = @recipientId ORDER BY a.from_week DESC, a.declared_at DESC", new { recipientId });
        return TypedResults.Ok(new AbsenceList(recipientId, items.ToList()));
    }

    private static async Task<Results<Ok<AbsenceView>, ProblemHttpResult>> GetOne(
        string recipientId, Guid absenceId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        var absence = await connection.QuerySingleOrDefaultAsync<AbsenceView>(
            $"{AbsenceView.Select} WHERE a.recipient_id = @recipientId AND a.absence_id = @absenceId", new { recipientId, absenceId });
        return absence is null ? NotFound() : TypedResults.Ok(absence);
    }

    private static Task<AbsenceView?> FindAsync(ServiceTransaction work, string recipientId, Guid absenceId) =>
        work.Connection.QuerySingleOrDefaultAsync<AbsenceView?>(
            $"{AbsenceView.Select} WHERE a.recipient_id = @recipientId AND a.absence_id = @absenceId", new { recipientId, absenceId }, work.Transaction);

    private static ProblemHttpResult NotFound() => Problems.NotFound("Cette absence n'existe pas.", "This absence does not exist.");
}

/// <summary>A justified absence as the person and counsellors see it.</summary>
/// <param name="Status"><c>pending</c>, <c>accepted</c> or <c>refused</c>.</param>
public sealed record AbsenceView(
    Guid AbsenceId,
    string RecipientId,
    string FromWeek,
    string ToWeek,
    string Kind,
    string Details,
    string? DocumentReference,
    DateTimeOffset DeclaredAt,
    string Status,
    string? DecisionReason,
    string? DecidedBy,
    DateTimeOffset? DecidedAt)
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Refused = "refused";

    internal const string Select =
        """
        SELECT a.absence_id, a.recipient_id, a.from_week, a.to_week, a.kind, a.details, a.document_reference, a.declared_at,
               CASE WHEN d.absence_id IS NULL THEN 'pending' WHEN d.accepted THEN 'accepted' ELSE 'refused' END AS status,
               d.reason AS decision_reason, d.decided_by, d.decided_at
          FROM absences a LEFT JOIN absence_decisions d ON d.absence_id = a.absence_id
        """;
}

public sealed record AbsenceList(string RecipientId, IReadOnlyList<AbsenceView> Items);
