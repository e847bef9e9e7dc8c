using Platform.Web.Api;
using Platform.Web.Api.Allocations;

namespace Platform.Web.Pages.Recipient;

/// <summary>The allocation month by month (six months back, two ahead), each adjustment naming the signed human decision behind it.</summary>
public sealed class AllocationModel(PlatformApi api, TimeProvider time) : PlatformPage(api)
{
    public const int MonthsBack = 5;
    public const int MonthsAhead = 2;

    public List<MonthlyAllocation> Months { get; } = [];

    public bool NoAllocation { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var current = Rules.Calendar.Months.Of(time.GetUtcNow());
        for (var offset = MonthsAhead; offset >= -MonthsBack; offset--)
        {
            var month = Rules.Calendar.Months.Format(current.AddMonths(offset));
            var result = await Api.Allocations(allocations => allocations.GetAllocationAsync(Subject, month, cancellationToken));
            if (result.Problem is { Status: 404 })
            {
                continue; // No allocation in force that month (none set yet, or set from a later month).
            }

            if (Read(result) is { } allocation)
            {
                Months.Add(allocation);
            }
            else
            {
                break;
            }
        }

        NoAllocation = Months.Count == 0 && Problem is null;
    }
}
