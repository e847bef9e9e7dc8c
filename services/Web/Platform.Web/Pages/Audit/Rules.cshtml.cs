using System.Text.Json;
using Platform.Web.Api;
using Platform.Web.Api.Rules;

namespace Platform.Web.Pages.Audit;

/// <summary>Per rule and month: flags raised, withdrawn, dismissed and upheld, so a rule humans mostly dismiss stands out.</summary>
public sealed class RulesModel(PlatformApi api) : PlatformPage(api)
{
    /// <summary>Over this share of human decisions dismissed, the rule is shown as one people mostly disagree with.</summary>
    public const decimal MostlyDismissed = 0.5m;

    public sealed record RuleSummary(string RuleId, IReadOnlyList<RuleMonthStatistics> Months, long Raised, long Dismissed, long Decided)
    {
        public decimal? DismissalRate => Decided == 0 ? null : (decimal)Dismissed / Decided;

        public bool StandsOut => DismissalRate > MostlyDismissed;
    }

    public List<RuleSummary> Rules { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var statistics = Read(await Api.Rules(rules => rules.GetRuleStatisticsAsync(cancellationToken)));
        var catalogue = Read(await Api.Rules(rules => rules.GetRuleCatalogueAsync(cancellationToken)));
        var ids = (catalogue?.Rules.Select(rule => rule.Id) ?? []).Concat(statistics?.Months.Select(month => month.RuleId) ?? []).Distinct();
        foreach (var id in ids)
        {
            var months = statistics?.Months.Where(month => month.RuleId == id).OrderBy(month => month.Month, StringComparer.Ordinal).ToList() ?? [];
            Rules.Add(new RuleSummary(
                id, months, months.Sum(month => month.Raised), months.Sum(month => month.Dismissed),
                months.Sum(month => month.Dismissed + month.Resolved + month.Upheld)));
        }

        Rules.Sort((left, right) => (right.DismissalRate ?? -1m).CompareTo(left.DismissalRate ?? -1m));
    }

    /// <summary>The chart's attributes, as dsfr-chart reads them: lists of lists in JSON.</summary>
    public static string ChartX(RuleSummary rule) => JsonSerializer.Serialize(new[] { rule.Months.Select(month => month.Month) });

    public static string ChartY(RuleSummary rule) => JsonSerializer.Serialize(new[]
    {
        rule.Months.Select(month => month.Raised),
        rule.Months.Select(month => month.Withdrawn),
        rule.Months.Select(month => month.Dismissed),
        rule.Months.Select(month => month.Upheld),
    });

    public static string ChartNames() => JsonSerializer.Serialize(new[]
    {
        Labels.T("Levés", "Raised"), Labels.T("Retirés", "Withdrawn"), Labels.T("Classés sans suite", "Dismissed"), Labels.T("Sanction décidée", "Upheld"),
    });
}
