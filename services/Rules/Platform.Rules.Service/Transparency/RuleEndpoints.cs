using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.RateLimiting;

namespace Platform.Rules.Service.Transparency;

/// <summary>The public, unauthenticated transparency routes: what the rules are and how humans judged their flags.</summary>
public static class RuleEndpoints
{
    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/rules").WithTags("Rules").AllowAnonymous();
        group.MapGet("", GetCatalogue);
        group.MapGet("/statistics", GetStatistics).RequireRateLimiting(RateLimits.Costly);
        group.MapGet("/{ruleId}/versions/{version:int}", GetVersion);
        return endpoints;
    }

    private static Ok<RuleCatalogueView> GetCatalogue() =>
        TypedResults.Ok(new RuleCatalogueView(RuleCatalogue.All.Select(rule => rule.Definition).ToList()));

    private static Results<Ok<RuleDefinition>, ProblemHttpResult> GetVersion(string ruleId, int version) =>
        RuleCatalogue.Find(ruleId, version) is { } rule
            ? TypedResults.Ok(rule.Definition)
            : Problems.NotFound(
                $"Le catalogue ne contient pas de règle « {ruleId} » en version {version}.",
                $"The catalogue holds no rule '{ruleId}' at version {version}.");

    /// <summary>Per rule and month (Paris time): flags raised and withdrawn here, and what humans decided about them.</summary>
    private static async Task<Ok<RuleStatisticsView>> GetStatistics(RuleStatistics statistics, CancellationToken cancellationToken) =>
        TypedResults.Ok(await statistics.GetAsync(cancellationToken));
}

public sealed record RuleCatalogueView(IReadOnlyList<RuleDefinition> Rules);

public sealed record RuleStatisticsView(IReadOnlyList<RuleMonthStatistics> Months);

public sealed record RuleMonthCounts(string RuleId, string Month, long Raised, long Withdrawn, long Dismissed, long Resolved, long Expired, long Upheld);

/// <param name="DismissalRate">Dismissed out of the flags a human decided that month (dismissed, resolved, upheld);
/// null when none was decided. A rule humans mostly dismiss is a bad rule.</param>
public sealed record RuleMonthStatistics(
    string RuleId, string Month, long Raised, long Withdrawn, long Dismissed, long Resolved, long Expired, long Upheld, decimal? DismissalRate)
{
    public static RuleMonthStatistics From(RuleMonthCounts counts)
    {
        var decided = counts.Dismissed + counts.Resolved + counts.Upheld;
        return new RuleMonthStatistics(
            counts.RuleId, counts.Month, counts.Raised, counts.Withdrawn, counts.Dismissed, counts.Resolved, counts.Expired, counts.Upheld,
            decided == 0 ? null : Math.Round((decimal)counts.Dismissed / decided, 4));
    }
}
