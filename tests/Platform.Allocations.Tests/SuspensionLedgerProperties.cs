using Platform.Allocations.Allocation;
using Platform.Allocations.Decisions;

namespace Platform.Allocations.Tests;

/// <summary>
/// The money of one suspension under an early ending and a decision on appeal, in every order and at every month:
/// what the suspension withheld less what it paid back must equal, to the cent, what the decisions together leave due,
/// computed by a plain oracle that knows no order (a month an ending settles owes nothing, nor any month after it; an
/// appeal leaves its share in its months; otherwise the signed share). So nothing is paid twice, nothing is left unpaid,
/// no repayment is negative and no decision pays back more than was withheld. A seeded generator: a failure names its seed.
/// </summary>
public sealed class SuspensionLedgerProperties
{
    private const int Cases = 2000;
    private static readonly DateOnly January = new(2027, 1, 1);

    [Fact]
    public void EveryOrderOfEndingAndAppeal_PaysBackExactlyWhatIsNoLongerDue()
    {
        var orders = new Dictionary<string, int>();
        for (var seed = 1; seed <= Cases; seed++)
        {
            var random = new Random(seed);
            var terms = new SuspensionTerms(random.Next(30, 101), random.Next(1, 5), January.AddMonths(random.Next(0, 3)));
            var bases = Enumerable.Range(0, 12).Select(_ => random.Next(30_000, 90_000) / 100m).ToArray();
            decimal Base(DateOnly month) => bases[(month.Year - January.Year) * 12 + month.Month - January.Month + 1];

            // Decisions come in the order of the months they were taken in, from the month before the suspension.
            var first = terms.First.AddMonths(random.Next(-1, terms.Months + 1));
            var second = first.AddMonths(random.Next(0, 3));
            var ending = (DateOnly decidedIn) => new EndingDecision(terms.First.AddMonths(random.Next(0, terms.Months)), decidedIn);
            var appeal = (DateOnly decidedIn) => random.Next(3) == 0
                ? new AppealDecision(decidedIn, 0, 0)
                : Reduction(random, terms, decidedIn);
            LaterDecision[] decisions = random.Next(4) switch
            {
                0 => [ending(first)],
                1 => [appeal(first)],
                2 => [ending(first), appeal(second)],
                _ => [appeal(first), ending(second)],
            };
            var name = string.Join(" then ", decisions.Select(decision => decision is EndingDecision ? "ending" : ((AppealDecision)decision).Months == 0 ? "annulment" : "reduction"));
            orders[name] = orders.GetValueOrDefault(name) + 1;

            var ledger = SuspensionLedger.Run(terms, Base, decisions);
            var repaid = ledger.Repayments.Sum();
            Assert.All(ledger.Repayments, amount => Assert.True(amount >= 0m, $"seed {seed}: a negative repayment {amount}"));
            Assert.True(repaid <= ledger.TotalWithheld, $"seed {seed} ({name}): repaid {repaid} of {ledger.TotalWithheld} withheld");
            Assert.True(ledger.TotalWithheld - repaid == Due(terms, Base, decisions),
                $"seed {seed} ({name}): withheld {ledger.TotalWithheld}, repaid {repaid}, due {Due(terms, Base, decisions)}");
        }

        foreach (var order in new[] { "ending then annulment", "annulment then ending", "reduction then ending", "ending then reduction" })
        {
            Assert.True(orders.GetValueOrDefault(order) >= 50, $"{order}: only {orders.GetValueOrDefault(order)} cases");
        }
    }

    /// <summary>The order-free oracle: what each month leaves due once every decision is known.</summary>
    private static decimal Due(SuspensionTerms terms, Func<DateOnly, decimal> baseAmount, IEnumerable<LaterDecision> decisions)
    {
        var ending = decisions.OfType<EndingDecision>().SingleOrDefault();
        var appeal = decisions.OfType<AppealDecision>().SingleOrDefault();
        var due = 0m;
        for (var index = 0; index < terms.Months; index++)
        {
            var month = terms.First.AddMonths(index);
            var share = ending is not null && month >= ending.From.AddMonths(-SuspensionEndingPolicy.RepaymentLimitMonths) ? 0
                : appeal is not null ? (index < appeal.Months ? appeal.Percent : 0)
                : terms.Percent;
            due += AllocationLedger.Withheld(baseAmount(month), share);
        }

        return due;
    }

    private static AppealDecision Reduction(Random random, SuspensionTerms terms, DateOnly decidedIn)
    {
        while (true)
        {
            var percent = random.Next(1, terms.Percent + 1);
            var months = random.Next(1, terms.Months + 1);
            if ((percent, months) != (terms.Percent, terms.Months))
            {
                return new AppealDecision(decidedIn, percent, months);
            }
        }
    }

    /// <summary>
    /// The case found last: ended in February from April (March still to come), then annulled in March. The ending pays
    /// back January to March in April; the annulment must not pay January again, and March, settled by the ending, is
    /// withheld then paid back once.
    /// </summary>
    [Fact]
    public void AnEndingThenAnAnnulment_PaysEachMonthBackOnce()
    {
        var terms = new SuspensionTerms(50, 4, January);
        var ledger = SuspensionLedger.Run(terms, _ => 600m,
            [new EndingDecision(January.AddMonths(3), January.AddMonths(1)), new AppealDecision(January.AddMonths(2), 0, 0)]);
        Assert.Equal([900m, 0m], ledger.Repayments);
        Assert.Equal(900m, ledger.TotalWithheld);
        Assert.Equal(0, ledger.ShareIn(January.AddMonths(3)));
    }

    [Fact]
    public void AnAnnulmentThenAnEnding_PaysNothingMore()
    {
        var terms = new SuspensionTerms(50, 4, January);
        var ledger = SuspensionLedger.Run(terms, _ => 600m,
            [new AppealDecision(January.AddMonths(2), 0, 0), new EndingDecision(January.AddMonths(3), January.AddMonths(3))]);
        Assert.Equal([600m, 0m], ledger.Repayments);
        Assert.Equal(600m, ledger.TotalWithheld);
    }

    /// <summary>Reduced from 60 % to 30 % in March, ended from April: January and February were paid back down to 30 %, so
    /// the ending pays back 30 % of each of January to March, not 60 %.</summary>
    [Fact]
    public void AnEndingAfterAReduction_PaysBackAtTheReducedShare()
    {
        var terms = new SuspensionTerms(60, 4, January);
        var ledger = SuspensionLedger.Run(terms, _ => 1000m,
            [new AppealDecision(January.AddMonths(2), 30, 4), new EndingDecision(January.AddMonths(3), January.AddMonths(3))]);
        Assert.Equal([600m, 900m], ledger.Repayments);
        Assert.Equal(30, ledger.ShareIn(January.AddMonths(2)));
        Assert.Equal(0, ledger.ShareIn(January.AddMonths(3)));
    }

    /// <summary>Ended in March from February: February, already withheld, is paid back with January, in March.</summary>
    [Fact]
    public void AnEndingFromAMonthAlreadyBegun_PaysThatMonthBackToo()
    {
        var terms = new SuspensionTerms(50, 3, January);
        var ledger = SuspensionLedger.Run(terms, _ => 600m, [new EndingDecision(January.AddMonths(1), January.AddMonths(2))]);
        Assert.Equal([600m], ledger.Repayments);
        Assert.Equal(50, ledger.ShareIn(January.AddMonths(1)));
        Assert.Equal(0, ledger.ShareIn(January.AddMonths(2)));
    }
}
