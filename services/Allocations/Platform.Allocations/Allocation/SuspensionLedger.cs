namespace Platform.Allocations.Allocation;

/// <summary>A suspension as signed: <paramref name="Percent"/> % withheld for <paramref name="Months"/> months from <paramref name="First"/>.</summary>
public sealed record SuspensionTerms(int Percent, int Months, DateOnly First)
{
    public DateOnly Last => First.AddMonths(Months - 1);

    public bool Covers(DateOnly month) => month >= First && month <= Last;
}

/// <summary>A decision that changes a suspension after it was applied, in the order this service applied them.</summary>
public abstract record LaterDecision;

/// <summary>
/// An early ending (CASF L262-37): nothing is withheld from <paramref name="From"/> on, and the withheld months are paid
/// back. <paramref name="DecidedIn"/> is the month it was decided: the months before it had already begun, so they were
/// really withheld, even those from <paramref name="From"/> on when the ending looks back.
/// </summary>
public sealed record EndingDecision(DateOnly From, DateOnly DecidedIn) : LaterDecision;

/// <summary>
/// A decision on appeal that left <paramref name="Percent"/> % for the first <paramref name="Months"/> months (0 and 0 when
/// annulled), from the month it was decided (<paramref name="From"/>) on; the months before it withheld the old share.
/// </summary>
public sealed record AppealDecision(DateOnly From, int Percent, int Months) : LaterDecision;

/// <summary>
/// One ledger of a suspension, month by month: the share really withheld each month and what each later decision paid
/// back for it. Every repayment, whatever the order of the endings and appeals, is computed here from what the month
/// really withheld less what was already paid back for it, so that a month is never paid back twice nor left unpaid:
/// <list type="bullet">
/// <item>an ending pays back, at the share the month really withheld (an appeal's reduced share if one came first), the
/// months it settles: the three before its first month without suspension (the legal limit) and any month from then on
/// that had already begun when it was decided. A settled month stays as it was withheld: a later appeal no longer
/// changes it (it was paid back in full);</item>
/// <item>an appeal sets the share of the months not yet begun (from its own month) to what it left, and pays back for each
/// month already begun what it withheld beyond that, less what was already paid back for it.</item>
/// </list>
/// A month's net (withheld less paid back) is then what the decisions together leave due, in any order.
/// </summary>
public sealed class SuspensionLedger
{
    private const int RepaymentLimitMonths = Decisions.SuspensionEndingPolicy.RepaymentLimitMonths;

    private readonly SuspensionTerms terms;
    private readonly Func<DateOnly, decimal> baseAmount;
    private readonly int[] share;
    private readonly decimal[] repaid;
    private readonly bool[] settled;
    private readonly List<decimal> repayments = [];

    private SuspensionLedger(SuspensionTerms terms, Func<DateOnly, decimal> baseAmount)
    {
        this.terms = terms;
        this.baseAmount = baseAmount;
        share = Enumerable.Repeat(terms.Percent, terms.Months).ToArray();
        repaid = new decimal[terms.Months];
        settled = new bool[terms.Months];
    }

    /// <summary>The ledger after <paramref name="decisions"/>, applied in that order.</summary>
    /// <param name="baseAmount">The monthly base amount in force in a month (0 when none is held).</param>
    public static SuspensionLedger Run(SuspensionTerms terms, Func<DateOnly, decimal> baseAmount, IEnumerable<LaterDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(baseAmount);
        ArgumentNullException.ThrowIfNull(decisions);
        var ledger = new SuspensionLedger(terms, baseAmount);
        foreach (var decision in decisions)
        {
            ledger.repayments.Add(decision switch
            {
                EndingDecision ending => ledger.End(ending),
                AppealDecision appeal => ledger.Appeal(appeal),
                _ => throw new ArgumentException($"Unknown decision {decision}.", nameof(decisions)),
            });
        }

        return ledger;
    }

    /// <summary>What each decision paid back, in the order given.</summary>
    public IReadOnlyList<decimal> Repayments => repayments;

    /// <summary>The share withheld in <paramref name="month"/> (0 outside the suspension).</summary>
    public int ShareIn(DateOnly month) => terms.Covers(month) ? share[Index(month)] : 0;

    /// <summary>The amount withheld in <paramref name="month"/>.</summary>
    public decimal WithheldIn(DateOnly month) => AllocationLedger.Withheld(baseAmount(month), ShareIn(month));

    /// <summary>Everything the suspension withheld, month by month, before any repayment.</summary>
    public decimal TotalWithheld => Enumerable.Range(0, terms.Months).Sum(index => WithheldIn(terms.First.AddMonths(index)));

    private int Index(DateOnly month) => (month.Year - terms.First.Year) * 12 + month.Month - terms.First.Month;

    private decimal Amount(int index, int percent) => AllocationLedger.Withheld(baseAmount(terms.First.AddMonths(index)), percent);

    private decimal End(EndingDecision ending)
    {
        var total = 0m;
        var limit = ending.From.AddMonths(-RepaymentLimitMonths);
        for (var index = 0; index < terms.Months; index++)
        {
            var month = terms.First.AddMonths(index);
            if (month >= ending.From && month >= ending.DecidedIn)
            {
                // Not begun when decided: never withheld.
                share[index] = 0;
                settled[index] = true;
                continue;
            }

            if (month >= limit)
            {
                // The three months before the end, and any month after it already withheld: paid back as withheld.
                total += PayBack(index, Amount(index, share[index]) - repaid[index]);
                settled[index] = true;
            }
        }

        return total;
    }

    private decimal Appeal(AppealDecision appeal)
    {
        var total = 0m;
        for (var index = 0; index < terms.Months; index++)
        {
            if (settled[index])
            {
                continue;
            }

            var left = index < appeal.Months ? appeal.Percent : 0;
            if (terms.First.AddMonths(index) >= appeal.From)
            {
                share[index] = left;
            }
            else
            {
                total += PayBack(index, Amount(index, share[index]) - Amount(index, left) - repaid[index]);
            }
        }

        return total;
    }

    private decimal PayBack(int index, decimal owed)
    {
        var paid = Math.Max(0m, owed);
        repaid[index] += paid;
        return paid;
    }
}
