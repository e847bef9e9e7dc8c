using Microsoft.AspNetCore.Mvc;
using Platform.Web.Api;

namespace Platform.Web.Pages.Review;

/// <summary>
/// The review queue, oldest first, filtered by state and rule. Deliberately no score and no risk ranking: every flag
/// is a question of equal weight, taken in the order it arrived.
/// </summary>
public sealed class QueueModel(PlatformApi api) : PlatformPage(api)
{
    public const int PageSize = 100;
    public const int MaxPages = 10;

    public static readonly IReadOnlyList<string> States = ["open", "claimed", "proposed", "dismissed", "resolved", "sanctioned", "rejected", "withdrawn", "expired"];

    [BindProperty(SupportsGet = true)]
    public string Status { get; set; } = "open";

    [BindProperty(SupportsGet = true)]
    public string? Rule { get; set; }

    public List<ReviewCase> Cases { get; } = [];

    public long Total { get; private set; }

    public bool Truncated { get; private set; }

    public IReadOnlyList<RuleDefinition> Rules { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!States.Contains(Status))
        {
            Status = "open";
        }

        Rules = Read(await Api.GetAsync<RuleCatalogue>(PlatformService.Rules, "/api/rules", cancellationToken))?.Rules
            .DistinctBy(rule => rule.Id).ToList() ?? [];
        // The service pages the queue by state only; the rule filter is applied here over the oldest cases.
        for (var page = 1; page <= MaxPages; page++)
        {
            var result = Read(await Api.GetAsync<CasePage>(
                PlatformService.Review, $"/api/review/cases?status={Uri.EscapeDataString(Status)}&page={page}&pageSize={PageSize}", cancellationToken));
            if (result is null)
            {
                return;
            }

            Total = result.Total;
            Cases.AddRange(result.Items.Where(item => string.IsNullOrEmpty(Rule) || item.Flag.RuleId == Rule));
            if ((long)page * PageSize >= result.Total)
            {
                return;
            }
        }

        Truncated = true;
    }
}
