using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;
using Platform.Web.Api.Rules;
using AppealMonth = Platform.Web.Api.Audit.RuleMonthAppeals;

namespace Platform.Web.Pages.Audit;

/// <summary>
/// Per rule and month: flags raised, withdrawn, dismissed and upheld, so a rule humans mostly dismiss stands out; and,
/// from the audit log, the appeals against its sanctions and their outcomes, so a rule whose decisions are often annulled
/// on appeal stands out too. The flags' figures may be narrowed to one département; the appeals' stay national (the
/// audit service keeps no copy of the départements).
/// </summary>
public sealed class RulesModel(PlatformApi api) : PlatformPage(api)
{
    /// <summary>Over this share of human decisions dismissed, the rule is shown as one people mostly disagree with.</summary>
    public const decimal MostlyDismissed = 0.5m;

    public sealed record RuleSummary(string RuleId, IReadOnlyList<RuleMonthStatistics> Months, long Raised, long Dismissed, long Decided)
    {
        public decimal? DismissalRate => Decided == 0 ? null : (decimal)Dismissed / Decided;

        public bool StandsOut => DismissalRate > MostlyDismissed;
    }

    /// <summary>Over this share of the appeals a person decided annulled, the rule is shown as one whose sanctions do not hold.</summary>
    public const decimal MostlyAnnulled = 0.5m;

    /// <summary>The appeals against a rule's sanctions, per month of the sanction decision.</summary>
    public sealed record AppealSummary(IReadOnlyList<AppealMonth> Months)
    {
        public int Appealed => Months.Sum(month => month.Appealed);

        public int Annulled => Months.Sum(month => month.Annulled);

        /// <summary>Appeals a person decided: confirmed, reduced or annulled.</summary>
        public int DecidedOnAppeal => Months.Sum(month => month.Confirmed + month.Reduced + month.Annulled);

        public decimal? AnnulledShare => DecidedOnAppeal == 0 ? null : (decimal)Annulled / DecidedOnAppeal;

        public bool StandsOut => AnnulledShare > MostlyAnnulled;
    }

    public List<RuleSummary> Rules { get; } = [];

    /// <summary>One département's figures (INSEE code), or the whole country's when empty; a code the rules service does not know shows its problem.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Departement { get; set; }

    public Dictionary<string, AppealSummary> Appeals { get; } = new(StringComparer.Ordinal);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Departement = string.IsNullOrWhiteSpace(Departement) ? null : Departement.Trim().ToUpperInvariant();
        var statistics = Read(await Api.Rules(rules => rules.GetRuleStatisticsAsync(Departement, cancellationToken)));
        var catalogue = Read(await Api.Rules(rules => rules.GetRuleCatalogueAsync(cancellationToken)));
        var appeals = Read(await Api.Audit(audit => audit.GetAppealStatisticsAsync(cancellationToken)));
        foreach (var group in (appeals?.Months ?? []).GroupBy(month => month.RuleId, StringComparer.Ordinal))
        {
            Appeals[group.Key] = new AppealSummary(group.OrderBy(month => month.Month, StringComparer.Ordinal).ToList());
        }

        var ids = (catalogue?.Rules.Select(rule => rule.Id) ?? []).Concat(statistics?.Months.Select(month => month.RuleId) ?? []).Concat(Appeals.Keys).Distinct();
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
