using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Platform.Allocations.Decisions;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Sanctions;

namespace Platform.Allocations.Tests;

/// <summary>
/// The platform's central property at unit level: over random sequences of review actions, the allocation changes
/// if and only if the sequence holds a lawful proposal, its notification, the closed window or the recipient's « nothing
/// to add » (<see cref="Observe"/>; a plain observation no longer closes the window), and
/// an approval by someone else — whether the review service is honest (its own gate and bounds) or bypasses them,
/// and whatever key signs or whatever is altered after signing. The review side uses the review service's real
/// <see cref="ApprovalGate"/>, <see cref="SanctionBounds"/> and <see cref="DecisionSigner"/>; the allocation side the
/// real <see cref="DecisionPolicy"/> and <see cref="DecisionVerifier"/>. (The broker round trip is covered by the
/// integration tests; a broker round per generated case would be too slow.)
/// </summary>
public sealed class HumanGateProperties
{
    [Property(Arbitrary = [typeof(Scenarios)], MaxTest = 500)]
    public bool Allocation_Changes_IffALawfulProposalWasNotifiedHeardAndApprovedBySomeoneElse(Scenario scenario) =>
        Run(scenario).Changed == Lawful(scenario);

    [Fact]
    public void TheGenerator_ProducesBothOutcomes_SoThePropertyCannotHoldVacuously()
    {
        var outcomes = Scenarios.Generator.Sample(1000).Select(scenario => Run(scenario).Changed).ToList();
        Assert.True(outcomes.Count(changed => changed) >= 30, $"only {outcomes.Count(changed => changed)} scenarios changed the allocation");
        Assert.True(outcomes.Count(changed => !changed) >= 30);
    }

    /// <summary>Plays the sequence: the review side emits decisions, the allocation side applies what its policy accepts.</summary>
    private static (bool Changed, int Applied) Run(Scenario scenario)
    {
        var household = new HouseholdFacts(646.52m, scenario.HouseholdSize, false);
        var now = Keys.NotifiedAt;
        Proposal? proposal = null;
        var observations = new List<DateTimeOffset>();
        var applied = new HashSet<Guid>();
        foreach (var step in scenario.Steps)
        {
            now = now.AddMinutes(1);
            switch (step)
            {
                case Propose propose when scenario.HonestReview:
                    // The review service refuses out-of-bounds proposals, always notifies, and uses its configured window.
                    if (proposal is null && SanctionBounds.Check(propose.Percent, propose.Months, false, scenario.HouseholdSize, false).Count == 0)
                    {
                        proposal = new Proposal(propose with { WindowDays = Math.Max(propose.WindowDays, 10), Notified = true }, now, Pending: true);
                    }

                    break;
                case Propose propose:
                    proposal = new Proposal(propose, now, Pending: true);
                    break;
                case Observe:
                    observations.Add(now);
                    break;
                case Wait wait:
                    now = now.AddDays(wait.Days);
                    break;
                case Approve approve when proposal is not null:
                    var observedAt = observations.Where(at => at >= proposal.NotifiedAt(now) && at <= now).Cast<DateTimeOffset?>().FirstOrDefault();
                    var window = new AnswerWindow(observedAt, null);
                    if (scenario.HonestReview && ApprovalGate.Evaluate(
                            approve.By, proposal.Step.By, proposal.Pending, proposal.NotifiedAt(now), proposal.AnswerBy(now), window, now).Outcome
                        != ApprovalOutcome.Allowed)
                    {
                        break;
                    }

                    // A review service bypassing its gate still has to say how the window closed: when it did not, it
                    // claims the deadline, which the allocation side checks against the decision's own instants.
                    var closed = ApprovalGate.ClosedWindow(proposal.NotifiedAt(now), proposal.AnswerBy(now), window, now)
                        ?? new ClosedWindow(WindowClosure.Deadline, proposal.AnswerBy(now));

                    proposal = proposal with { Pending = false };
                    var decision = Sign(scenario.Signing, new SanctionDecided(
                        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "r-1", "repeated-shortfall", proposal.Step.Percent,
                        proposal.Step.Months, "2027-01", false, proposal.Step.By, approve.By, Guid.NewGuid(), proposal.NotifiedAt(now),
                        proposal.AnswerBy(now), observedAt, now, "", "", ReceivedAt: proposal.NotifiedAt(now), WindowClosedBy: closed.By,
                        WindowClosedAt: closed.At));
                    if (DecisionPolicy.Evaluate(decision, Keys.Verifier, household, earlierDecisionApplied: false, applied.Contains(decision.DecisionId)) is null)
                    {
                        applied.Add(decision.DecisionId);
                    }

                    // A redelivery of the same decision never has a second effect.
                    if (DecisionPolicy.Evaluate(decision, Keys.Verifier, household, false, applied.Contains(decision.DecisionId)) is null)
                    {
                        applied.Add(Guid.NewGuid());
                    }

                    break;
                default:
                    break;
            }
        }

        return (applied.Count > 0, applied.Count);
    }

    /// <summary>The oracle, written from the law rather than from the code under test.</summary>
    private static bool Lawful(Scenario scenario)
    {
        if (scenario.Signing != Signing.Genuine)
        {
            return false;
        }

        var now = Keys.NotifiedAt;
        (Propose Step, DateTimeOffset At)? proposal = null;
        var observations = new List<DateTimeOffset>();
        var decided = false;
        foreach (var step in scenario.Steps)
        {
            now = now.AddMinutes(1);
            switch (step)
            {
                case Propose propose when !scenario.HonestReview || proposal is null:
                    var inBounds = propose.Percent >= 30 && propose.Percent <= (scenario.HouseholdSize > 1 ? 50 : 100)
                        && propose.Months is >= 1 and <= 2;
                    if (scenario.HonestReview && !inBounds)
                    {
                        break;
                    }

                    proposal = (scenario.HonestReview ? propose with { WindowDays = Math.Max(propose.WindowDays, 10), Notified = true } : propose, now);
                    break;
                case Observe:
                    observations.Add(now);
                    break;
                case Wait wait:
                    now = now.AddDays(wait.Days);
                    break;
                case Approve approve when proposal is { } p && !(scenario.HonestReview && decided):
                    var lawfulBounds = p.Step.Percent >= 30 && p.Step.Percent <= (scenario.HouseholdSize > 1 ? 50 : 100) && p.Step.Months is >= 1 and <= 2;
                    var notifiedAt = p.Step.Notified ? p.At : now;
                    var heard = p.Step.Notified && p.Step.WindowDays >= 10
                        && (now >= notifiedAt.AddDays(p.Step.WindowDays) || observations.Any(at => at >= notifiedAt && at <= now));
                    var someoneElse = approve.By != p.Step.By;
                    if (lawfulBounds && heard && someoneElse)
                    {
                        return true;
                    }

                    if (scenario.HonestReview && someoneElse && heard)
                    {
                        decided = true;
                    }

                    break;
                default:
                    break;
            }
        }

        return false;
    }

    private static SanctionDecided Sign(Signing signing, SanctionDecided decision) => signing switch
    {
        Signing.Genuine => Keys.Signer.Sign(decision),
        Signing.RogueKey => Keys.RogueSigner.Sign(decision),
        Signing.NoSignature => decision with { KeyId = "review-1", Signature = "" },
        _ => Keys.Signer.Sign(decision) with { Percent = decision.Percent + 1 },
    };

    private sealed record Proposal(Propose Step, DateTimeOffset ProposedAt, bool Pending)
    {
        /// <summary>A proposal that was never notified is stamped as notified at the moment of the decision.</summary>
        public DateTimeOffset NotifiedAt(DateTimeOffset now) => Step.Notified ? ProposedAt : now;

        public DateTimeOffset AnswerBy(DateTimeOffset now) => NotifiedAt(now).AddDays(Step.WindowDays);
    }
}

public enum Signing
{
    Genuine,
    RogueKey,
    NoSignature,
    TamperedAfterSigning,
}

public abstract record ReviewAction;

/// <param name="WindowDays">The answer window the review side gives (a buggy one may give less than 10 days).</param>
/// <param name="Notified">Whether the recipient was notified (a buggy review side may skip it).</param>
public sealed record Propose(int Percent, int Months, string By, int WindowDays, bool Notified) : ReviewAction;

/// <summary>The recipient answers and says they have nothing to add: the only answer that closes the window early.</summary>
public sealed record Observe : ReviewAction;

public sealed record Wait(int Days) : ReviewAction;

public sealed record Approve(string By) : ReviewAction;

/// <param name="HonestReview">True: the review service's own gate and bounds run. False: it bypasses them (a bug or an attack).</param>
public sealed record Scenario(IReadOnlyList<ReviewAction> Steps, int HouseholdSize, bool HonestReview, Signing Signing)
{
    public override string ToString() =>
        $"household {HouseholdSize}, {(HonestReview ? "honest" : "bypassing")} review, {Signing}: {string.Join(" → ", Steps)}";
}

public static class Scenarios
{
    private static readonly Gen<ReviewAction> Steps = Gen.OneOf(
        Gen.Elements(20, 30, 30, 45, 50, 70, 100, 110).SelectMany(percent => Gen.Elements(0, 1, 2, 2, 3).SelectMany(months =>
            Gen.Elements("c1", "c2").SelectMany(by => Gen.Elements(5, 10, 15, 15).SelectMany(window =>
                Gen.Elements(true, true, false).Select(notified => (ReviewAction)new Propose(percent, months, by, window, notified)))))),
        Gen.Constant<ReviewAction>(new Observe()),
        Gen.Elements(1, 3, 9, 12, 20).Select(days => (ReviewAction)new Wait(days)),
        Gen.Elements(1, 3, 9, 12, 20).Select(days => (ReviewAction)new Wait(days)),
        Gen.Elements("c1", "c2", "s1").Select(by => (ReviewAction)new Approve(by)),
        Gen.Elements("c1", "c2", "s1").Select(by => (ReviewAction)new Approve(by)));

    /// <summary>Near-lawful sequences (propose, maybe observe, wait, approve), each part varied, so both outcomes are frequent.</summary>
    private static readonly Gen<IList<ReviewAction>> Skeletons =
        Gen.Elements(30, 45, 50, 60).SelectMany(percent => Gen.Elements(1, 2, 3).SelectMany(months =>
            Gen.Elements(10, 15, 5).SelectMany(window => Gen.Elements(true, true, false).SelectMany(notified =>
                Gen.Elements(true, false).SelectMany(observes => Gen.Elements(1, 12, 20).SelectMany(days =>
                    Gen.Elements("s1", "c2", "c1").SelectMany(approver => Gen.ListOf(Steps, 2).Select(noise =>
                    {
                        IList<ReviewAction> steps = [new Propose(percent, months, "c1", window, notified)];
                        if (observes)
                        {
                            steps.Add(new Observe());
                        }

                        steps.Add(new Wait(days));
                        steps.Add(new Approve(approver));
                        steps.Insert(steps.Count - 1, noise[0]);
                        steps.Add(noise[1]);
                        return steps;
                    }))))))));

    public static readonly Gen<Scenario> Generator =
        Gen.OneOf(Gen.Choose(0, 9).SelectMany(length => Gen.ListOf(Steps, length)).Select(steps => (IList<ReviewAction>)steps.ToList()), Skeletons).SelectMany(steps =>
            Gen.Elements(1, 1, 3).SelectMany(household =>
                Gen.Elements(true, false).SelectMany(honest =>
                    Gen.Elements(Signing.Genuine, Signing.Genuine, Signing.Genuine, Signing.RogueKey, Signing.NoSignature, Signing.TamperedAfterSigning)
                        .Select(signing => new Scenario(steps.ToList(), household, honest, signing)))));

    public static Arbitrary<Scenario> Scenario() => Generator.ToArbitrary();
}
