using System.Text.Json;
using Platform.Allocations.Decisions;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;
using Platform.Review.Domain;
using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;

namespace Platform.Allocations.Tests;

/// <summary>
/// Over random sequences of flags, proposals, approvals, rejections and waits, for households of every shape, the
/// review service's real <see cref="Case"/> and <see cref="Proposal"/> emit signed decisions and the allocations
/// service's real <see cref="DecisionPolicy"/> applies what it accepts. Half the sequences also carry decisions that
/// bypass the review domain (a bug in Review, random terms, signed with the genuine key). Whatever happens, on what
/// each service holds as decided: the total withheld in every month never exceeds the household's cap, no start
/// month precedes the month after its decision, and one breach period never gives two sanctions. A seeded generator,
/// so a failure names the seed that reproduces it.
/// </summary>
public sealed class SanctionScheduleProperties
{
    private const int Cases = 400;

    private static readonly TimeSpan Window = TimeSpan.FromDays(15);

    /// <summary>Monday 2026-11-02, 10:00 in Paris.</summary>
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EverySequence_KeepsTheCap_NeverRetroactive_OneSanctionPerBreach_InBothServices()
    {
        var totals = new Totals();
        for (var seed = 1; seed <= Cases; seed++)
        {
            var run = Play(seed);
            totals.Add(run);
            AssertLawful(run.ReviewApproved, run.Ceiling, $"review, seed {seed}");
            AssertLawful(run.AllocationsApplied, run.Ceiling, $"allocations, seed {seed}");
        }

        // The property must not hold vacuously: sanctions were applied, stacked, and refused on every ground.
        Assert.True(totals.Applied >= 200, $"only {totals.Applied} decisions applied");
        Assert.True(totals.Stacked >= 10, $"only {totals.Stacked} months withheld by two suspensions at once");
        foreach (var code in new[] { SanctionSchedule.HouseholdCapExceeded, SanctionSchedule.BreachAlreadySanctioned, SanctionSchedule.Retroactive })
        {
            Assert.True(totals.Refusals.GetValueOrDefault(code) >= 10, $"{code}: only {totals.Refusals.GetValueOrDefault(code)} refusals");
        }
    }

    private static void AssertLawful(List<Suspension> decided, int ceiling, string where)
    {
        foreach (var suspension in decided)
        {
            Assert.True(
                suspension.FirstMonth >= SanctionSchedule.EarliestStartMonth(suspension.DecidedAt),
                $"{where}: starts {Months.Format(suspension.FirstMonth)}, decided {suspension.DecidedAt:O}");
            for (var month = suspension.FirstMonth; month <= suspension.LastMonth; month = month.AddMonths(1))
            {
                var total = decided.Where(other => other.Withholds(month)).Sum(other => other.Percent);
                Assert.True(total <= ceiling, $"{where}: {total} % withheld in {Months.Format(month)} (cap {ceiling} %)");
            }
        }

        for (var i = 0; i < decided.Count; i++)
        {
            for (var j = i + 1; j < decided.Count; j++)
            {
                Assert.False(
                    decided[i].Breach is { } first && decided[j].Breach is { } second && first.Overlaps(second),
                    $"{where}: two sanctions for weeks {decided[i].Breach} and {decided[j].Breach}");
            }
        }
    }

    private sealed record Run(int Ceiling, List<Suspension> ReviewApproved, List<Suspension> AllocationsApplied, Dictionary<string, int> Refusals);

    private sealed class Totals
    {
        public int Applied { get; private set; }

        public int Stacked { get; private set; }

        public Dictionary<string, int> Refusals { get; } = [];

        public void Add(Run run)
        {
            Applied += run.AllocationsApplied.Count;
            var months = run.AllocationsApplied.SelectMany(s => Enumerable.Range(0, s.Months).Select(i => s.FirstMonth.AddMonths(i))).Distinct();
            Stacked += months.Count(month => run.AllocationsApplied.Count(s => s.Withholds(month)) > 1);
            foreach (var (code, count) in run.Refusals)
            {
                Refusals[code] = Refusals.GetValueOrDefault(code) + count;
            }
        }
    }

    private static Run Play(int seed)
    {
        var random = new Random(seed);
        // Every shape, single people more often: only their 100 % cap lets two suspensions run in the same month.
        var size = random.Next(2) == 0 ? 1 : random.Next(2, 7);
        var loneParent = size == 1 && random.Next(3) == 0;
        var household = new Household(size, loneParent);
        var ceiling = SanctionBounds.PercentCeiling(size, loneParent);
        var facts = new HouseholdFacts(646.52m, size, loneParent);
        var buggyReview = random.Next(2) == 0;
        var now = Start;
        var pending = new List<(Case Case, Proposal Proposal)>();
        var reviewApproved = new List<Suspension>();
        var applied = new List<(Suspension Suspension, DateTimeOffset DecidedAt)>();
        var refusals = new Dictionary<string, int>();
        var recipient = $"r-{seed}";

        RecipientStanding Standing(Guid? excluding) => new(
            reviewApproved,
            pending.Where(p => p.Proposal.ProposalId != excluding).Select(p => p.Proposal.AsSuspension(p.Proposal.NotifiedAt)).ToList(),
            household);

        void Deliver(SanctionDecided decision)
        {
            var signed = Keys.Signer.Sign(decision);
            var earlier = applied.Any(a => a.DecidedAt < signed.DecidedAt);
            var refusal = DecisionPolicy.Evaluate(signed, Keys.Verifier, facts, earlier, alreadyApplied: false)
                ?? DecisionPolicy.CheckSchedule(signed, applied.Select(a => a.Suspension).ToList(), _ => ceiling, SanctionSchedule.DefaultRepeatDelay);
            if (refusal is null)
            {
                // Applied only when both parse: the policy refuses a decision without a breach or a month.
                Assert.True(BreachPeriod.TryParse(signed.BreachFirstWeek, signed.BreachLastWeek, out var breach));
                Assert.True(Months.TryParse(signed.StartMonth, out var first));
                applied.Add((new Suspension(signed.Percent, first, signed.Months, signed.DecidedAt, breach), signed.DecidedAt));
            }
            else
            {
                refusals[refusal.ReasonCode] = refusals.GetValueOrDefault(refusal.ReasonCode) + 1;
            }
        }

        var steps = random.Next(6, 24);
        for (var step = 0; step < steps; step++)
        {
            now = now.AddDays(random.Next(0, 25)).AddMinutes(1);
            var action = random.Next(10);
            var flagWeek = WeekCalendar.WeekOf(now).AddWeeks(-random.Next(0, 10));
            var startMonth = Months.Format(Months.Of(now).AddMonths(random.Next(-1, 4)));
            var percent = 30 + (random.Next(2) == 0 ? random.Next(3) : random.Next(8)) * 10;
            var months = random.Next(1, 5);
            if (action < 4)
            {
                // A flag for a week at or before now; a counsellor claims it and proposes.
                var claimed = new Case(
                    Guid.NewGuid(), Guid.NewGuid(), recipient, flagWeek.ToString(), "repeated-shortfall", 1, JsonDocument.Parse("{}").RootElement,
                    new Dictionary<string, decimal>(), new Explanation("", ""), true, CaseState.Claimed, now, now.AddDays(90), "agent-c", null);
                var outcome = claimed.Propose(
                    "agent-c", new SanctionTerms(percent, months, startMonth, "r", new SanctionAssessment("v", "d", "n", "c")), Standing(null), Window, Guid.NewGuid(), Guid.NewGuid(), now);
                if (outcome.Change is { Proposal: { } proposal } change)
                {
                    // Received the moment it was sent: the window runs from the first proof of receipt.
                    pending.Add((change.Case, proposal.Received(now, Window)));
                }
            }
            else if (action < 7 && pending.Count > 0)
            {
                // A supervisor approves a pending proposal once the window is closed (sometimes months later).
                var index = random.Next(pending.Count);
                var (proposedCase, proposal) = pending[index];
                now = Max(now, proposal.AnswerBy).AddMinutes(1);
                var outcome = proposal.Approve(proposedCase, "agent-s", "r", null, AnswerWindow.Untouched, Standing(proposal.ProposalId), now, decision => decision);
                pending.RemoveAt(index);
                if (outcome.Change is { Events: [SanctionDecided decided] })
                {
                    reviewApproved.Add(proposal.AsSuspension(now));
                    Deliver(decided);
                }
            }
            else if (action < 8 && pending.Count > 0)
            {
                pending.RemoveAt(random.Next(pending.Count));
            }
            else if (buggyReview)
            {
                // A decision that never went through the review domain: random terms, genuine signature.
                var breach = BreachPeriod.BehindFlag(flagWeek);
                var notified = now.AddDays(-20);
                Deliver(new SanctionDecided(
                    Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), recipient, "repeated-shortfall", percent, months, startMonth,
                    random.Next(2) == 0, "agent-c", "agent-s", Guid.NewGuid(), notified, notified.AddDays(15), null, now, "", "",
                    breach.First.ToString(), breach.Last.ToString(), ReceivedAt: notified, WindowClosedBy: WindowClosure.Deadline,
                    WindowClosedAt: notified.AddDays(15)));
            }
        }

        return new Run(ceiling, reviewApproved, applied.Select(a => a.Suspension).ToList(), refusals);
    }

    private static DateTimeOffset Max(DateTimeOffset left, DateTimeOffset right) => left > right ? left : right;
}
