using Dapper;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;

namespace Platform.ServiceDefaults.Departements;

/// <summary>
/// Keeps every agent route to the agent's départements, by construction rather than by each endpoint remembering:
/// when a route names a recipient (<c>{recipientId}</c>) or something of theirs (a case, a proposal, an appeal... —
/// each service registers its <see cref="RecipientRoute"/>s), an agent who does not act for that recipient's
/// département gets 404, as if it did not exist, before the endpoint runs, so nothing is written. Recipients, national
/// agents and endpoints marked <see cref="DepartementCheckedByEndpoint"/> (the engagement that places a recipient, a
/// transfer) pass; lists filter themselves (<see cref="RecipientPlacements.InDepartements"/>).
/// </summary>
internal sealed class DepartementScopeMiddleware(RequestDelegate next, IEnumerable<RecipientRoute> routes)
{
    public async Task InvokeAsync(HttpContext http, ServiceDatabase database)
    {
        var user = http.User;
        var endpoint = http.GetEndpoint();
        if (endpoint is null || !user.IsAgent() || user.IsInRole(Roles.Recipient) || user.IsNational()
            || endpoint.Metadata.GetMetadata<DepartementCheckedByEndpoint>() is not null)
        {
            await next(http);
            return;
        }

        var values = http.Request.RouteValues;
        var found = false;
        string? departement = null;
        await using (var connection = await database.DataSource.OpenConnectionAsync(http.RequestAborted))
        {
            if (values.TryGetValue("recipientId", out var recipientId) && recipientId is string id)
            {
                (found, departement) = (true, await RecipientPlacements.DepartementOfAsync(connection, id));
            }
            else if (routes.FirstOrDefault(route => values.ContainsKey(route.Parameter)) is { } route
                     && await connection.QuerySingleOrDefaultAsync<Placement>(route.Sql, new { id = values[route.Parameter]?.ToString() }) is { } placement)
            {
                (found, departement) = (true, placement.Departement);
            }
        }

        if (found && !user.ActsFor(departement))
        {
            await Problems.Problems.NotFound(
                    "Aucune ressource ne correspond à cette adresse dans vos départements.",
                    "No resource matches this address in your départements.")
                .ExecuteAsync(http);
            return;
        }

        await next(http);
    }

    private sealed record Placement(string? Departement);
}

/// <summary>
/// How a service finds whose data a route names, for <see cref="DepartementScopeMiddleware"/>: <see cref="Sql"/> selects
/// one row with a <c>departement</c> column (null when the recipient is not placed) for the route value <c>@id</c>,
/// and no row when nothing has that id (the endpoint then answers its own 404).
/// </summary>
public sealed record RecipientRoute(string Parameter, string Sql)
{
    /// <summary>A route to a row of <paramref name="table"/> found by <paramref name="column"/> (a uuid), which has a <c>recipient_id</c>.</summary>
    public static RecipientRoute ByUuid(string parameter, string table, string column) => new(
        parameter,
        $"""
        SELECT p.departement FROM {table} t LEFT JOIN recipient_departements p ON p.recipient_id = t.recipient_id
         WHERE t.{column} = CAST(@id AS uuid)
        """);
}

/// <summary>Endpoint metadata: the endpoint checks the départements itself (it places or moves a recipient).</summary>
public sealed class DepartementCheckedByEndpoint
{
    public static readonly DepartementCheckedByEndpoint Instance = new();
}
