using System.Security.Claims;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Contracts;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Departements;

/// <summary>
/// Keeps every agent route to the agent's départements, and makes every agent read of a file accountable, by
/// construction rather than by each endpoint remembering. When a route names a recipient (<c>{recipientId}</c>) or
/// something of theirs (a case, a proposal, an appeal... — each service registers its <see cref="RecipientRoute"/>s):
/// <list type="bullet">
/// <item>an agent who does not act for that recipient's département gets 404, as if it did not exist, before the
/// endpoint runs, so nothing is written;</item>
/// <item>an agent's successful read (GET) publishes <see cref="FileConsulted"/> before the answer leaves: a read that
/// cannot be recorded is not served.</item>
/// </list>
/// Recipients and public routes (a decision's seal) pass; endpoints marked <see cref="DepartementCheckedByEndpoint"/> (the engagement that places a
/// recipient, a transfer) check the départements themselves; lists filter themselves
/// (<see cref="RecipientPlacements.InDepartements"/>).
/// </summary>
internal sealed partial class DepartementScopeMiddleware(RequestDelegate next, IEnumerable<RecipientRoute> routes, ServiceIdentity service)
{
    public async Task InvokeAsync(HttpContext http, ServiceDatabase database)
    {
        var user = http.User;
        DataScope.EnterRequest(user);
        var endpoint = http.GetEndpoint();
        if (endpoint is null || !user.IsAgent() || user.IsInRole(Roles.Recipient)
            || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || endpoint.Metadata.GetMetadata<DepartementCheckedByEndpoint>() is not null
            || await RecipientOfAsync(http, database) is not { } recipient)
        {
            await next(http);
            return;
        }

        if (!user.ActsFor(recipient.Departement))
        {
            await Problems.Problems.NotFound(
                    "Aucune ressource ne correspond à cette adresse dans vos départements.",
                    "No resource matches this address in your départements.")
                .ExecuteAsync(http);
            return;
        }

        if (HttpMethods.IsGet(http.Request.Method))
        {
            var route = $"GET {RouteName(endpoint)}";
            http.Response.OnStarting(() => http.Response.StatusCode is >= 200 and < 300
                ? RecordAsync(database, recipient.RecipientId, user, route, http.RequestAborted)
                : Task.CompletedTask);
        }

        await next(http);
    }

    /// <summary>
    /// The recipient the route names and their département, or null when it names none (or nothing of that id exists).
    /// Looked up beyond the agent's scope: telling "not yours" from "does not exist" is the platform's business, and
    /// both answer the same 404.
    /// </summary>
    private async Task<Placement?> RecipientOfAsync(HttpContext http, ServiceDatabase database)
    {
        var values = http.Request.RouteValues;
        var recipientId = values.TryGetValue("recipientId", out var named) ? named as string : null;
        var byId = recipientId is null ? routes.FirstOrDefault(route => values.ContainsKey(route.Parameter)) : null;
        if (recipientId is null && byId is null)
        {
            return null;
        }

        await using var connection = await database.OpenReadAsync(DataScope.Everyone, http.RequestAborted);
        return recipientId is not null
            ? new Placement(recipientId, await RecipientPlacements.DepartementOfAsync(connection, recipientId))
            : await connection.QuerySingleOrDefaultAsync<Placement>(byId!.Sql, new { id = values[byId.Parameter]?.ToString() });
    }

    private async Task RecordAsync(ServiceDatabase database, string recipientId, ClaimsPrincipal user, string route, CancellationToken cancellationToken)
    {
        var role = AgentScope.AgentRoles.First(user.IsInRole);
        await using var work = await database.BeginAsync(cancellationToken);
        work.Publish(new FileConsulted(recipientId, user.SubjectId(), role, service.Name, route));
        await work.CommitAsync(cancellationToken);
    }

    /// <summary>The route as the API documents name it: <c>/api/review/cases/{caseId}</c>, without constraints or a trailing slash.</summary>
    private static string RouteName(Endpoint endpoint) =>
        RouteConstraint().Replace((endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "", "{$1}").TrimEnd('/');

    [GeneratedRegex(@"\{(\w+):[^}]+\}")]
    private static partial Regex RouteConstraint();

    private sealed record Placement(string RecipientId, string? Departement);
}

/// <summary>
/// How a service finds whose data a route names, for <see cref="DepartementScopeMiddleware"/>: <see cref="Sql"/> selects
/// one row with the columns <c>recipient_id</c> and <c>departement</c> (null when the recipient is not placed) for the
/// route value <c>@id</c>, and no row when nothing has that id (the endpoint then answers its own 404).
/// </summary>
public sealed record RecipientRoute(string Parameter, string Sql)
{
    /// <summary>A route to a row of <paramref name="table"/> found by <paramref name="column"/> (a uuid), which has a <c>recipient_id</c>.</summary>
    public static RecipientRoute ByUuid(string parameter, string table, string column) => new(
        parameter,
        $"""
        SELECT t.recipient_id, p.departement FROM {table} t LEFT JOIN recipient_departements p ON p.recipient_id = t.recipient_id
         WHERE t.{column} = CAST(@id AS uuid)
        """);
}

/// <summary>Endpoint metadata: the endpoint checks the départements itself (it places or moves a recipient).</summary>
public sealed class DepartementCheckedByEndpoint
{
    public static readonly DepartementCheckedByEndpoint Instance = new();
}
