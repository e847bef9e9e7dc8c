using System.Globalization;
using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Problems;

namespace Platform.Audit.Queries;

/// <summary>
/// Who consulted a person's file (GDPR art. 15): every agent read the services recorded as <c>FileConsulted</c> in the
/// log, and every auditor query about the person from the access log, newest first.
/// </summary>
public static class ConsultationEndpoints
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapConsultationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/recipients/{recipientId}/consultations", List).WithTags("Consultations")
            .RequireAuthorization(Policies.Recipient)
            .WithName("ListConsultations")
            .WithSummary("Who consulted my file")
            .WithDescription($"""
                The person reads who consulted their file, newest first: each read by a counsellor or supervisor (the agent's
                id and role, the service and route read, when), recorded by the service before it answered and chained in the
                audit log like every event, and each auditor query about them. At most `limit` per page (1 to {MaxPageSize},
                {AuditEndpoints.DefaultPageSize} by default); pass a page's `next` as `before` for older ones. The recipient's own
                only. Changes nothing.
                """);
        return endpoints;
    }

    private static async Task<Results<Ok<ConsultationPage>, ProblemHttpResult>> List(
        string recipientId, string? before, int? limit, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>();
        var beforeInstant = AuditEndpoints.ParseInstant(before, "before", errors);
        var pageSize = limit ?? AuditEndpoints.DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["limit"] = [Localized.Text($"La taille de page va de 1 à {MaxPageSize}.", $"The page size goes from 1 to {MaxPageSize}.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var items = (await connection.QueryAsync<ConsultationView>(
            """
            SELECT at, agent_id, role, service, route FROM (
                SELECT occurred_at AS at, consulted->>'agentId' AS agent_id, consulted->>'role' AS role, consulted->>'service' AS service,
                       consulted->>'route' AS route
                  FROM audit_log, LATERAL (SELECT convert_from(body, 'UTF8')::jsonb AS consulted) parsed
                 WHERE recipient_id = @recipientId AND right(message_type, 14) = ':FileConsulted'
                UNION ALL
                SELECT accessed_at, auditor, 'auditor', 'audit', action
                  FROM audit_access
                 WHERE recipient_id = @recipientId
            ) consultations
            WHERE @before::timestamptz IS NULL OR at < @before
            ORDER BY at DESC
            LIMIT @pageSize
            """,
            new { recipientId, before = beforeInstant, pageSize })).ToList();
        var next = items.Count == pageSize ? items[^1].At.ToString("O", CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new ConsultationPage(recipientId, items, next));
    }

    /// <param name="Route">The route read (<c>GET /api/review/cases/{caseId}</c>), or the auditor's query (<c>replay</c>, <c>events</c>).</param>
    public sealed record ConsultationView(DateTimeOffset At, string AgentId, string Role, string Service, string Route);

    public sealed record ConsultationPage(string RecipientId, IReadOnlyList<ConsultationView> Consultations, string? Next);
}
