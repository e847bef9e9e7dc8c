using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Rules;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.RateLimiting;

namespace Platform.RuleEngine.Transparency;

/// <summary>The public, unauthenticated transparency routes: what the rules are and how humans judged their flags.</summary>
public static class RuleEndpoints
{
    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/rules").WithTags("Rules").AllowAnonymous();
        group.MapGet("", GetCatalogue)
            .WithName("GetRuleCatalogue")
            .WithSummary("Read the rule catalogue")
            .WithDescription("""
                Every rule the platform applies, each version with its legal basis, its parameters and their bounds, its
                explanation in French and English and whether a sanction may follow. Public: anyone may read it, without a
                token (CRPA L312-1-3: the rules of an algorithmic treatment are published). Changes nothing.
                """);
        group.MapGet("/statistics", GetStatistics).RequireRateLimiting(RateLimits.Costly)
            .WithName("GetRuleStatistics")
            .WithSummary("Read how humans judged each rule's flags, month by month")
            .WithDescription("""
                Per rule and month (Paris time): the flags raised and withdrawn, and how many people dismissed, resolved,
                let expire or upheld, so a rule that humans mostly dismiss stands out. Nationally, or for one département
                (`departement`, an INSEE code): a flag counts for the département its recipient belonged to when it was
                raised, and so do its withdrawal and its outcomes; a recipient never placed counts nationally only. Counts
                only, no personal data. Public, without a token. Changes nothing.
                """);
        group.MapGet("/{ruleId}/versions/{version:int}", GetVersion)
            .WithName("GetRuleVersion")
            .WithSummary("Read one version of a rule")
            .WithDescription("""
                A rule as it was at a version: what a flag raised under that version applied. Public, without a token.
                Changes nothing.
                """)
            .ProducesNotFound("The catalogue holds no such rule at that version.");
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
    /// <param name="departement">One département's figures (INSEE code); the national figures when absent.</param>
    private static async Task<Results<Ok<RuleStatisticsView>, ProblemHttpResult>> GetStatistics(
        RuleStatistics statistics, string? departement, CancellationToken cancellationToken)
    {
        if (departement is not null && !DepartementCodes.IsValid(departement))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["departement"] =
                [
                    Localized.Text(
                        $"Le département s'écrit avec son code INSEE : 01 à 95, 2A, 2B, 971 à 976 (reçu : « {departement} »).",
                        $"The département is written as its INSEE code: 01 to 95, 2A, 2B, 971 to 976 (got '{departement}')."),
                ],
            });
        }

        return TypedResults.Ok(await statistics.GetAsync(departement, cancellationToken));
    }
}

public sealed record RuleCatalogueView(IReadOnlyList<RuleDefinition> Rules);

/// <param name="Departement">The département the figures are about; null for the national figures.</param>
public sealed record RuleStatisticsView(string? Departement, IReadOnlyList<RuleMonthStatistics> Months);

/// <param name="Departement">Null for a flag whose recipient was never placed, and in the national sums.</param>
public sealed record RuleMonthCounts(
    string RuleId, string Month, string? Departement, long Raised, long Withdrawn, long Dismissed, long Resolved, long Expired, long Upheld);

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
