using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;

namespace Platform.Audit.Log;

/// <summary>
/// Rebuilds, from the log alone, what was true about one recipient at an instant: their engagement, declarations
/// (every version), flags and their states, review cases step by step (in the review service's own state and
/// history names), the month's allocation, and the prior appeals (RAPO) against its sanctions. Feed it the
/// recipient's entries that had occurred by then, in log order.
/// </summary>
public sealed class RecipientReplay(string recipientId, DateTimeOffset at)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private readonly string recipientId = recipientId;
    private readonly List<EngagementView> engagements = [];
    private readonly SortedDictionary<string, List<DeclarationVersionView>> declarations = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, FlagView> flags = [];
    private readonly Dictionary<Guid, CaseView> cases = [];
    private readonly List<AdjustmentView> adjustments = [];
    private readonly Dictionary<Guid, AppealView> appeals = [];
    private readonly Dictionary<Guid, AppealRepaid> appealTerms = [];
    private readonly List<RepaymentView> repayments = [];
    private AllocationSet? allocation;

    public void Add(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.RecipientId != recipientId || entry.OccurredAt > at)
        {
            return;
        }

        if (Handlers.TryGetValue(entry.MessageType, out var handle))
        {
            handle(this, entry);
        }
    }

    /// <summary>What each event type changes in the replay; a type not listed here changes nothing.</summary>
    private static readonly Dictionary<string, Action<RecipientReplay, LogEntry>> Handlers = new(StringComparer.Ordinal)
    {
        [EventTypes.EngagementSet] = On<EngagementSet>((replay, entry, e) =>
            replay.engagements.Add(new EngagementView(e.HoursPerWeek, e.FromWeek, e.SetBy, e.OccurredAt, entry.Position))),
        [EventTypes.DeclarationSubmitted] = On<DeclarationSubmitted>((replay, entry, e) =>
        {
            if (!replay.declarations.TryGetValue(e.Week, out var versions))
            {
                versions = [];
                replay.declarations[e.Week] = versions;
            }

            versions.Add(new DeclarationVersionView(e.Version, e.Late, e.TotalHours, e.Activities, e.SubmittedAt, entry.Position));
        }),
        [EventTypes.FlagRaised] = On<FlagRaised>((replay, entry, e) =>
            replay.flags[e.FlagId] = new FlagView(
                e.FlagId, e.RecipientId, e.Week, e.RuleId, e.RuleVersion, FlagState.Open, e.Facts, e.Parameters, e.Explanation,
                e.SanctionEligible, e.OccurredAt, entry.Position)),
        [EventTypes.FlagWithdrawn] = On<FlagWithdrawn>((replay, entry, e) =>
        {
            replay.SetFlag(e.FlagId, FlagState.Withdrawn);
            // The review service closes an undecided case as withdrawn, in the recipient's favour.
            foreach (var found in replay.cases.Values.Where(c => c.FlagId == e.FlagId && CaseState.IsUndecided(c.State)).ToList())
            {
                replay.Step(entry, found.CaseId, e.FlagId, CaseHistoryAction.Withdrawn, SystemActors.Rules, e.Reason?.Fr, CaseState.Withdrawn);
            }
        }),
        [EventTypes.CaseClaimed] = On<CaseClaimed>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.Claimed, e.ClaimedBy, null, CaseState.Claimed).ClaimedBy = e.ClaimedBy;
            replay.SetFlag(e.FlagId, FlagState.InReview);
        }),
        [EventTypes.FlagDismissed] = On<FlagDismissed>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.Dismissed, e.DismissedBy, e.Reason, CaseState.Dismissed);
            replay.SetFlag(e.FlagId, FlagState.Dismissed);
        }),
        [EventTypes.FlagResolved] = On<FlagResolved>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.Resolved, e.ResolvedBy, $"{e.SupportAction} — {e.Reason}", CaseState.Resolved);
            replay.SetFlag(e.FlagId, FlagState.Resolved);
        }),
        [EventTypes.FlagExpired] = On<FlagExpired>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.Expired, SystemActors.Review, null, CaseState.Expired);
            replay.SetFlag(e.FlagId, FlagState.Expired);
        }),
        [EventTypes.SanctionProposed] = On<SanctionProposed>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.SanctionProposed, e.ProposedBy,
                $"{e.Percent.ToString(CultureInfo.InvariantCulture)} % × {e.Months.ToString(CultureInfo.InvariantCulture)} from {e.StartMonth}: {e.Reason}",
                CaseState.Proposed);
            replay.SetFlag(e.FlagId, FlagState.SanctionProposed);
        }),
        [EventTypes.RecipientNotified] = On<RecipientNotified>((replay, entry, e) =>
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.RecipientNotified, null, $"may answer until {e.AnswerBy:O}", CaseState.Proposed)),
        [EventTypes.ObservationReceived] = On<ObservationReceived>((replay, entry, e) =>
        {
            foreach (var found in replay.cases.Values.Where(c => c.FlagId == e.FlagId))
            {
                found.History.Add(new StepView(e.OccurredAt, CaseHistoryAction.ObservationReceived, replay.recipientId, e.Text, entry.Position));
            }
        }),
        [EventTypes.HearingRequested] = On<HearingRequested>((replay, entry, e) =>
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.HearingRequested, e.RequestedBy,
                e.AssistantName is null ? null : $"assisted by {e.AssistantName}{(e.AssistantRole is null ? "" : $" ({e.AssistantRole})")}", CaseState.Proposed)),
        [EventTypes.HearingScheduled] = On<HearingScheduled>((replay, entry, e) =>
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.HearingScheduled, e.ScheduledBy, $"{e.ScheduledAt:O} — {e.Place}", CaseState.Proposed)),
        [EventTypes.HearingHeld] = On<HearingHeld>((replay, entry, e) =>
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.HearingHeld, e.RecordedBy,
                e.PersonAttended ? $"attended: {e.Attendees} — {e.Summary}" : $"did not come — {e.Summary}", CaseState.Proposed)),
        [EventTypes.SanctionRejected] = On<SanctionRejected>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.SanctionRejected, e.RejectedBy, e.Reason, CaseState.Rejected);
            replay.SetFlag(e.FlagId, FlagState.SanctionRejected);
        }),
        [EventTypes.SanctionDecided] = On<SanctionDecided>((replay, entry, e) =>
        {
            replay.Step(entry, e.CaseId, e.FlagId, CaseHistoryAction.SanctionApproved, e.ApprovedBy,
                $"{e.Percent.ToString(CultureInfo.InvariantCulture)} % × {e.Months.ToString(CultureInfo.InvariantCulture)} from {e.StartMonth}, proposed by {e.ProposedBy}, decision {e.DecisionId}",
                CaseState.Sanctioned);
            replay.SetFlag(e.FlagId, FlagState.Sanctioned);
        }),
        [EventTypes.AllocationSet] = On<AllocationSet>((replay, _, e) => replay.allocation = e),
        [EventTypes.AllocationAdjusted] = On<AllocationAdjusted>((replay, entry, e) =>
            replay.adjustments.Add(new AdjustmentView(
                e.AdjustmentId, e.DecisionId, e.Percent, e.Months, e.FromMonth, e.MonthlyAmountWithheld, e.KeyId, null, entry.Position))),
        [EventTypes.AppealFiled] = On<AppealFiled>((replay, entry, e) =>
            replay.appeals.TryAdd(e.AppealId, new AppealView(
                e.AppealId, e.SanctionDecisionId, e.FiledBy, e.Channel, e.FiledOn, e.Late, e.ImplicitRejectionOn, e.OccurredAt, entry.Position,
                AppealState.Filed, null, null, null))),
        [EventTypes.AppealDecided] = On<AppealDecided>((replay, entry, e) =>
            replay.Appeal(e.AppealId, appeal => appeal with
            {
                State = AppealState.Decided,
                Outcome = new AppealOutcomeView(e.DecisionId, e.Outcome, e.Percent, e.Months, e.DecidedBy, e.DecidedAt, e.KeyId, entry.Position),
            })),
        [EventTypes.AppealCommissionOpinionRecorded] = On<AppealCommissionOpinionRecorded>((replay, entry, e) =>
            replay.Appeal(e.AppealId, appeal => appeal with
            {
                CommissionOpinion = new CommissionOpinionView(e.Opinion, e.RecordedBy, e.OccurredAt, entry.Position),
            })),
        [EventTypes.AppealImplicitlyRejected] = On<AppealImplicitlyRejected>((replay, entry, e) =>
            replay.Appeal(e.AppealId, appeal => appeal with
            {
                // A person may still decide the appeal afterwards: a decision already recorded keeps the state.
                State = appeal.Outcome is null ? AppealState.ImplicitlyRejected : appeal.State,
                ImplicitRejection = new AppealRejectionView(e.RejectedOn, e.TribunalBy, e.OccurredAt, entry.Position),
            })),
        [EventTypes.AppealRepaid] = On<AppealRepaid>((replay, entry, e) =>
        {
            replay.Appeal(e.AppealId, appeal => appeal with
            {
                Repayment = new AppealRepaymentView(e.RepaymentId, e.AppealDecisionId, e.FromMonth, e.AmountRepaid, e.KeyId, entry.Position),
            });
            replay.appealTerms[e.SanctionDecisionId] = e;
            replay.repayments.Add(new RepaymentView(e.SanctionDecisionId, e.FromMonth, e.AmountRepaid, e.AppealId, entry.Position));
        }),
        [EventTypes.SuspensionLifted] = On<SuspensionLifted>((replay, entry, e) =>
        {
            replay.repayments.Add(new RepaymentView(e.DecisionId, e.FromMonth, e.AmountRepaid, null, entry.Position));
            var index = replay.adjustments.FindIndex(a => a.AdjustmentId == e.AdjustmentId);
            if (index >= 0)
            {
                replay.adjustments[index] = replay.adjustments[index] with { LiftedFromMonth = e.FromMonth };
            }
        }),
    };

    public ReplayView Result()
    {
        var month = MonthOf(at);
        return new ReplayView(
            recipientId,
            at,
            engagements,
            declarations.Select(pair =>
            {
                var latest = pair.Value.MaxBy(version => version.Version)!;
                return new DeclarationView(pair.Key, latest.Version, latest.Late, latest.TotalHours, latest.Activities, latest.SubmittedAt, pair.Value);
            }).ToList(),
            flags.Values.OrderBy(flag => flag.Position).ToList(),
            cases.Values.OrderBy(c => c.History[0].Position).ToList(),
            allocation is null ? null : Allocation(allocation, month),
            appeals.Values.OrderBy(appeal => appeal.Position).ToList());
    }

    private void Appeal(Guid appealId, Func<AppealView, AppealView> change)
    {
        if (appeals.TryGetValue(appealId, out var appeal))
        {
            appeals[appealId] = change(appeal);
        }
    }

    /// <summary>
    /// The month as the events state it: the base, less what each suspension withholds (from an appeal's month on, the
    /// share the appeal left), plus what was paid back in that month (an early ending's, an appeal's).
    /// </summary>
    private AllocationView Allocation(AllocationSet set, string month)
    {
        var index = MonthIndex(month);
        var withheld = adjustments
            .Where(a => MonthIndex(a.FromMonth) <= index && index < MonthIndex(a.FromMonth) + a.Months
                        && (a.LiftedFromMonth is null || index < MonthIndex(a.LiftedFromMonth)))
            .Sum(a => WithheldIn(a, index, set.MonthlyBaseAmount));
        var paidBack = repayments.Where(repayment => repayment.Month == month).ToList();
        return new AllocationView(
            month, set.MonthlyBaseAmount, set.MonthlyBaseAmount - withheld + paidBack.Sum(repayment => repayment.Amount), set.HouseholdSize,
            set.LoneParentIncrease, set.FromMonth, adjustments, paidBack);
    }

    private decimal WithheldIn(AdjustmentView adjustment, int index, decimal baseAmount)
    {
        if (!appealTerms.TryGetValue(adjustment.DecisionId, out var appeal) || index < MonthIndex(appeal.FromMonth))
        {
            return adjustment.MonthlyAmountWithheld;
        }

        var share = index < MonthIndex(adjustment.FromMonth) + appeal.Months ? appeal.Percent : 0;
        return decimal.Round(baseAmount * share / 100m, 2, MidpointRounding.AwayFromZero);
    }

    private static Action<RecipientReplay, LogEntry> On<T>(Action<RecipientReplay, LogEntry, T> apply) =>
        (replay, entry) => apply(replay, entry, EventTypes.Read<T>(entry));

    private CaseView Step(LogEntry entry, Guid caseId, Guid flagId, string step, string? by, string? detail, string state)
    {
        if (!cases.TryGetValue(caseId, out var found))
        {
            found = new CaseView(caseId, flagId);
            cases[caseId] = found;
        }

        found.State = state;
        found.History.Add(new StepView(entry.OccurredAt, step, by, detail, entry.Position));
        return found;
    }

    private void SetFlag(Guid flagId, string state)
    {
        if (flags.TryGetValue(flagId, out var flag))
        {
            flags[flagId] = flag with { State = state };
        }
    }

    private static string MonthOf(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, Paris).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static int MonthIndex(string month)
    {
        var parsed = DateTime.ParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture);
        return (parsed.Year * 12) + parsed.Month - 1;
    }
}

public sealed record ReplayView(
    string RecipientId,
    DateTimeOffset At,
    IReadOnlyList<EngagementView> Engagements,
    IReadOnlyList<DeclarationView> Declarations,
    IReadOnlyList<FlagView> Flags,
    IReadOnlyList<CaseView> Cases,
    AllocationView? Allocation,
    IReadOnlyList<AppealView> Appeals);

/// <summary>Where a prior appeal stands in the log: filed, decided (see its outcome), or implicitly rejected after two months of silence.</summary>
public static class AppealState
{
    public const string Filed = "filed";
    public const string Decided = "decided";
    public const string ImplicitlyRejected = "implicitly-rejected";
}

/// <summary>
/// A prior appeal (RAPO) as the log shows it at the instant: when and how it was filed, whether late, the date of
/// implicit rejection, then its outcome, its implicit rejection and the repayment that followed, each with its position.
/// The commission's opinion is not an event of the platform: the log does not hold it.
/// </summary>
public sealed record AppealView(
    Guid AppealId,
    Guid SanctionDecisionId,
    string FiledBy,
    string Channel,
    string FiledOn,
    bool Late,
    string ImplicitRejectionOn,
    DateTimeOffset FiledAt,
    long Position,
    string State,
    AppealOutcomeView? Outcome,
    AppealRejectionView? ImplicitRejection,
    AppealRepaymentView? Repayment,
    CommissionOpinionView? CommissionOpinion = null);

/// <summary>The commission de recours amiable's opinion, as its instructor recorded it.</summary>
public sealed record CommissionOpinionView(string Opinion, string RecordedBy, DateTimeOffset RecordedAt, long Position);

public sealed record AppealOutcomeView(
    Guid DecisionId, string Outcome, int Percent, int Months, string DecidedBy, DateTimeOffset DecidedAt, string KeyId, long Position);

public sealed record AppealRejectionView(string RejectedOn, string TribunalBy, DateTimeOffset RecordedAt, long Position);

public sealed record AppealRepaymentView(Guid RepaymentId, Guid AppealDecisionId, string FromMonth, decimal AmountRepaid, string KeyId, long Position);

public sealed record EngagementView(decimal HoursPerWeek, string FromWeek, string SetBy, DateTimeOffset SetAt, long Position);

public sealed record DeclarationView(
    string Week, int Version, bool Late, decimal TotalHours, IReadOnlyList<DeclaredActivity> Activities, DateTimeOffset SubmittedAt,
    IReadOnlyList<DeclarationVersionView> Versions);

public sealed record DeclarationVersionView(
    int Version, bool Late, decimal TotalHours, IReadOnlyList<DeclaredActivity> Activities, DateTimeOffset SubmittedAt, long Position);

public sealed record FlagView(
    Guid FlagId, string RecipientId, string Week, string RuleId, int RuleVersion, string State, JsonElement Facts,
    IReadOnlyDictionary<string, decimal> Parameters, Explanation Explanation, bool SanctionEligible, DateTimeOffset RaisedAt, long Position);

public sealed class CaseView(Guid caseId, Guid flagId)
{
    public Guid CaseId => caseId;

    public Guid FlagId => flagId;

    public string State { get; set; } = CaseState.Claimed;

    public string? ClaimedBy { get; set; }

    public List<StepView> History { get; } = [];
}

public sealed record StepView(DateTimeOffset At, string Step, string? By, string? Detail, long Position);

/// <param name="Repayments">What was paid back in the month: an early ending's, or an appeal's (naming it).</param>
public sealed record AllocationView(
    string Month, decimal BaseAmount, decimal AmountDue, int HouseholdSize, bool LoneParentIncrease, string FromMonth,
    IReadOnlyList<AdjustmentView> Adjustments, IReadOnlyList<RepaymentView> Repayments);

/// <summary>A repayment the log records for a sanction decision's suspension, in the month it is paid.</summary>
public sealed record RepaymentView(Guid DecisionId, string Month, decimal Amount, Guid? AppealId, long Position);

public sealed record AdjustmentView(
    Guid AdjustmentId, Guid DecisionId, int Percent, int Months, string FromMonth, decimal MonthlyAmountWithheld, string KeyId,
    string? LiftedFromMonth, long Position);
