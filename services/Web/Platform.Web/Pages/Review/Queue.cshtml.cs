using Microsoft.AspNetCore.Mvc;
using Platform.Contracts.Review;
using Platform.Web.Api;
using Platform.Web.Api.Review;
using RuleDefinition = Platform.Web.Api.Rules.RuleDefinition;

namespace Platform.Web.Pages.Review;

/// <summary>
/// The review queue, oldest first, filtered by state and rule. Deliberately no score and no risk ranking: every flag
/// is a question of equal weight, taken in the order it arrived.
/// </summary>
public sealed class QueueModel(PlatformApi api) : PlatformPage(api)
{
    public const int PageSize = 50;

    public static readonly IReadOnlyList<string> States = CaseState.All;

    [BindProperty(SupportsGet = true)]
    public string Status { get; set; } = CaseState.Open;

    [BindProperty(SupportsGet = true)]
    public string? Rule { get; set; }

    [BindProperty(Name = "page", SupportsGet = true)]
    public int PageNumber { get; set; } = 1;

    public List<CaseView> Cases { get; } = [];

    public long Total { get; private set; }

    public bool HasNext => (long)PageNumber * PageSize < Total;

    public IReadOnlyList<RuleDefinition> Rules { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!States.Contains(Status))
        {
            Status = CaseState.Open;
        }

        PageNumber = Math.Max(1, PageNumber);
        Rules = Read(await Api.Rules(rules => rules.GetRuleCatalogueAsync(cancellationToken)))?.Rules
            .DistinctBy(rule => rule.Id).ToList() ?? [];
        var rule = string.IsNullOrEmpty(Rule) ? null : Rule;
        var result = Read(await Api.Review(review => review.ListReviewCasesAsync(Status, rule, null, PageNumber, PageSize, cancellationToken)));
        if (result is not null)
        {
            Total = result.Total;
            Cases.AddRange(result.Items);
        }
    }

    /// <summary>The queue's address for another page, keeping the filters.</summary>
    public string PageUrl(int page) =>
        $"/review/queue?status={Uri.EscapeDataString(Status)}&rule={Uri.EscapeDataString(Rule ?? "")}&page={page}";
}
