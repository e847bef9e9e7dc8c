using System.Security.Claims;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Declarations;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Engagements;

public static class EngagementEndpoints
{
    public static IEndpointRouteBuilder MapEngagementEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/engagement").WithTags("Engagements");
        group.MapPut("", SetEngagement).RequireAuthorization(Policies.Counsellor).ChecksDepartementItself()
            .WithName("SetEngagement")
            .WithSummary("Set a recipient's weekly hours from a week on")
            .WithDescription("""
                A counsellor records the hours a week the recipient's contrat d'engagement sets, in force from an ISO week.
                The hours are always stated (no default: an obligation not written in the contract cannot be sanctioned,
                loi n° 2023-1196); under 15 hours the reason is required (`health`, `disability`, `lone-parent-without-childcare`,
                `other`), and 0 hours means no activity obligation, so no shortfall flag can be raised. Sending the engagement in
                force again changes nothing. The first engagement places the recipient in a département (`departement`, its
                INSEE code; left out, the counsellor's own when they work for one only): from then on only that
                département's agents act on the file. The counsellor must work for it (403 otherwise); a recipient already
                placed in another département answers 409 (a move is a transfer, `POST …/transfer`). Publishes
                `EngagementSet` (the hours and the département: the reason stays here), which the rules, review and
                allocations services keep.
                """)
            .WithRequestExample("""{"hoursPerWeek":7.5,"fromWeek":"2026-W45","reductionReason":"health","departement":"93"}""")
            .ProducesProblemType(StatusCodes.Status409Conflict, DepartementProblems.HeldByAnotherDepartement,
                "The recipient belongs to another département: a move is a transfer.");
        group.MapGet("", GetEngagement).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("GetEngagement")
            .WithSummary("Read a recipient's engagement and its history")
            .WithDescription("""
                The engagement in force, then every one set before, newest first. A recipient reads their own; a counsellor any
                recipient's. Changes nothing.
                """)
            .ProducesNotFound("No engagement has been recorded for this recipient yet.");
        return endpoints;
    }

    /// <summary>Sets the weekly hours from a week on. Sending the engagement in force again changes nothing.</summary>
    private static async Task<Results<Ok<EngagementView>, ProblemHttpResult>> SetEngagement(
        string recipientId,
        SetEngagementRequest request,
        ClaimsPrincipal user,
        IValidator<SetEngagementCommand> validator,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var command = new SetEngagementCommand(recipientId, request.HoursPerWeek, request.FromWeek, request.ReductionReason, request.Departement);
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation);
        }

        await using var work = await database.BeginAsync(cancellationToken);
        await RecipientLock.TakeAsync(work, recipientId);
        var placed = await RecipientPlacements.DepartementOfAsync(work.Connection, recipientId, work.Transaction);
        var departement = placed ?? command.Departement ?? OnlyDepartementOf(user);
        if (placed is not null && (!user.ActsFor(placed) || (command.Departement is not null && command.Departement != placed)))
        {
            return Problems.Conflict(
                DepartementProblems.HeldByAnotherDepartement,
                "Cet allocataire relève d'un autre département : un changement de département se fait par un transfert.",
                "This recipient belongs to another département: a change of département is made by a transfer.");
        }

        if (departement is null ? !user.IsNational() : !user.ActsFor(departement))
        {
            return DepartementProblems.NotYours(departement);
        }

        var current = await work.Connection.QuerySingleOrDefaultAsync<EngagementView>(
            $"{EngagementView.Select} WHERE recipient_id = @recipientId ORDER BY id DESC LIMIT 1", new { recipientId }, work.Transaction);
        if (current is not null && placed == departement && current.HoursPerWeek == command.HoursPerWeek
            && current.FromWeek == command.FromWeek && current.ReductionReason == command.ReductionReason)
        {
            return TypedResults.Ok(current);
        }

        var setAt = time.GetUtcNow();
        var setBy = user.SubjectId();
        // Placed first: row-level security lets an agent see (here, the row RETURNING gives back) only the files of
        // recipients placed in their départements.
        if (placed is null && departement is not null)
        {
            await RecipientPlacements.PlaceAsync(work, recipientId, departement, producerSequence: null, setAt);
        }

        var saved = await work.Connection.QuerySingleAsync<EngagementView>(
            """
            INSERT INTO engagements (recipient_id, hours_per_week, from_week, reduction_reason, set_by, set_at)
            VALUES (@RecipientId, @HoursPerWeek, @FromWeek, @ReductionReason, @setBy, @setAt)
            RETURNING recipient_id, hours_per_week, from_week, set_by, set_at, reduction_reason
            """,
            new { command.RecipientId, command.HoursPerWeek, command.FromWeek, command.ReductionReason, setBy, setAt },
            work.Transaction);

        work.Publish(new EngagementSet(recipientId, saved.HoursPerWeek, saved.FromWeek, setBy) { Departement = departement, OccurredAt = setAt });
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(saved);
    }

    /// <summary>
    /// The département of a counsellor who works for one only. A national agent, or one of several départements, names
    /// it; a national agent who does not leaves the recipient unplaced, seen by national agents only (as recipients
    /// engaged before départements were recorded are).
    /// </summary>
    private static string? OnlyDepartementOf(ClaimsPrincipal user) =>
        user.Departements() is { Count: 1 } only && !user.IsNational() ? only.Single() : null;

    private static async Task<Results<Ok<EngagementHistory>, ProblemHttpResult>> GetEngagement(
        string recipientId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        var history = (await connection.QueryAsync<EngagementView>(
            $"{EngagementView.Select} WHERE recipient_id = @recipientId ORDER BY id DESC", new { recipientId })).ToList();
        if (history.Count == 0)
        {
            return Problems.NotFound(
                "Aucun engagement n'a encore été enregistré pour cet allocataire.",
                "No engagement has been recorded for this recipient yet.");
        }

        var departement = await RecipientPlacements.DepartementOfAsync(connection, recipientId);
        return TypedResults.Ok(new EngagementHistory(recipientId, departement, history[0], history));
    }
}

/// <summary>One engagement as set; <see cref="SetBy"/> is the counsellor's id.</summary>
/// <param name="ReductionReason">Why the hours are under 15 (null at 15 or more, and for engagements set before reasons were recorded).</param>
public sealed record EngagementView(
    string RecipientId, decimal HoursPerWeek, string FromWeek, string SetBy, DateTimeOffset SetAt, string? ReductionReason)
{
    internal const string Select = "SELECT recipient_id, hours_per_week, from_week, set_by, set_at, reduction_reason FROM engagements";
}

/// <summary>The engagement last set, then every one before it, newest first.</summary>
/// <param name="Departement">The recipient's département (INSEE code); null for a recipient engaged before départements were recorded.</param>
public sealed record EngagementHistory(string RecipientId, string? Departement, EngagementView Current, IReadOnlyList<EngagementView> History);
