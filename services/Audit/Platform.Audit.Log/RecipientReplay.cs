using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;

namespace Platform.Audit.Log;

/// <summary>
/// Rebuilds, from the log alone, what was true about one recipient at an instant: their engagement, declarations
/// (every version), flags and their states, review cases step by step, and the month's allocation. Feed it the
/// recipient's entries that had occurred by then, in log order.
/// </summary>
public sealed class RecipientReplay(string recipientId, DateTimeOffset at)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private readonly List<EngagementView> engagements = [];
    private readonly SortedDictionary<string, List<DeclarationVersionView>> declarations = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, FlagView> flags = [];
    private readonly Dictionary<Guid, CaseView> cases = [];
    private readonly List<AdjustmentView> adjustments = [];
    private AllocationSet? allocation;

    public void Add(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.RecipientId != recipientId || entry.OccurredAt > at)
        {
            return;
        }

        var type = entry.MessageType;
        if (type == EventTypes.EngagementSet)
        {
            var e = EventTypes.Read<EngagementSet>(entry);
            engagements.Add(new EngagementView(e.HoursPerWeek, e.FromWeek, e.SetBy, e.OccurredAt, entry.Position));
        }
        else if (type == EventTypes.DeclarationSubmitted)
        {
            var e = EventTypes.Read<DeclarationSubmitted>(entry);
            if (!declarations.TryGetValue(e.Week, out var versions))
            {
                versions = [];
                declarations[e.Week] = versions;
            }

            versions.Add(new DeclarationVersionView(e.Version, e.Late, e.TotalHours, e.Activities, e.SubmittedAt, entry.Position));
        }
        else if (type == EventTypes.FlagRaised)
        {
            var e = EventTypes.Read<FlagRaised>(entry);
            flags[e.FlagId] = new FlagView(
                e.FlagId, e.RecipientId, e.Week, e.RuleId, e.RuleVersion, FlagStates.Open, e.Facts, e.Parameters, e.Explanation,
                e.SanctionEligible, e.OccurredAt, entry.Position);
        }
        else if (type == EventTypes.FlagWithdrawn)
        {
            var e = EventTypes.Read<FlagWithdrawn>(entry);
            SetFlag(e.FlagId, FlagStates.Withdrawn);
        }
        else if (type == EventTypes.CaseClaimed)
        {
            var e = EventTypes.Read<CaseClaimed>(entry);
            Step(entry, e.CaseId, e.FlagId, "claimed", e.ClaimedBy, null, CaseStates.Claimed).ClaimedBy = e.ClaimedBy;
            SetFlag(e.FlagId, FlagStates.InReview);
        }
        else if (type == EventTypes.FlagDismissed)
        {
            var e = EventTypes.Read<FlagDismissed>(entry);
            Step(entry, e.CaseId, e.FlagId, "dismissed", e.DismissedBy, e.Reason, CaseStates.Dismissed);
            SetFlag(e.FlagId, FlagStates.Dismissed);
        }
        else if (type == EventTypes.FlagResolved)
        {
            var e = EventTypes.Read<FlagResolved>(entry);
            Step(entry, e.CaseId, e.FlagId, "resolved", e.ResolvedBy, $"{e.SupportAction} — {e.Reason}", CaseStates.Resolved);
            SetFlag(e.FlagId, FlagStates.Resolved);
        }
        else if (type == EventTypes.FlagExpired)
        {
            var e = EventTypes.Read<FlagExpired>(entry);
            Step(entry, e.CaseId, e.FlagId, "expired", null, null, CaseStates.Expired);
            SetFlag(e.FlagId, FlagStates.Expired);
        }
        else if (type == EventTypes.SanctionProposed)
        {
            var e = EventTypes.Read<SanctionProposed>(entry);
            Step(entry, e.CaseId, e.FlagId, "sanction-proposed", e.ProposedBy,
                $"{e.Percent.ToString(CultureInfo.InvariantCulture)} % × {e.Months.ToString(CultureInfo.InvariantCulture)} from {e.StartMonth}: {e.Reason}",
                CaseStates.SanctionProposed);
            SetFlag(e.FlagId, FlagStates.SanctionProposed);
        }
        else if (type == EventTypes.RecipientNotified)
        {
            var e = EventTypes.Read<RecipientNotified>(entry);
            Step(entry, e.CaseId, e.FlagId, "recipient-notified", null, $"may answer until {e.AnswerBy:O}", CaseStates.AwaitingObservations);
        }
        else if (type == EventTypes.ObservationReceived)
        {
            var e = EventTypes.Read<ObservationReceived>(entry);
            foreach (var found in cases.Values.Where(c => c.FlagId == e.FlagId))
            {
                found.History.Add(new StepView(e.OccurredAt, "observation-received", recipientId, e.Text, entry.Position));
            }
        }
        else if (type == EventTypes.SanctionRejected)
        {
            var e = EventTypes.Read<SanctionRejected>(entry);
            Step(entry, e.CaseId, e.FlagId, "sanction-rejected", e.RejectedBy, e.Reason, CaseStates.SanctionRejected);
            SetFlag(e.FlagId, FlagStates.SanctionRejected);
        }
        else if (type == EventTypes.SanctionDecided)
        {
            var e = EventTypes.Read<SanctionDecided>(entry);
            Step(entry, e.CaseId, e.FlagId, "sanction-decided", e.ApprovedBy,
                $"{e.Percent.ToString(CultureInfo.InvariantCulture)} % × {e.Months.ToString(CultureInfo.InvariantCulture)} from {e.StartMonth}, proposed by {e.ProposedBy}, decision {e.DecisionId}",
                CaseStates.SanctionDecided);
            SetFlag(e.FlagId, FlagStates.Sanctioned);
        }
        else if (type == EventTypes.AllocationSet)
        {
            allocation = EventTypes.Read<AllocationSet>(entry);
        }
        else if (type == EventTypes.AllocationAdjusted)
        {
            var e = EventTypes.Read<AllocationAdjusted>(entry);
            adjustments.Add(new AdjustmentView(e.AdjustmentId, e.DecisionId, e.Percent, e.Months, e.FromMonth, e.MonthlyAmountWithheld, e.KeyId, null, entry.Position));
        }
        else if (type == EventTypes.SuspensionLifted)
        {
            var e = EventTypes.Read<SuspensionLifted>(entry);
            var index = adjustments.FindIndex(a => a.AdjustmentId == e.AdjustmentId);
            if (index >= 0)
            {
                adjustments[index] = adjustments[index] with { LiftedFromMonth = e.FromMonth };
            }
        }
    }

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
            allocation is null ? null : Allocation(allocation, month));
    }

    private AllocationView Allocation(AllocationSet set, string month)
    {
        var index = MonthIndex(month);
        var withheld = adjustments
            .Where(a => MonthIndex(a.FromMonth) <= index && index < MonthIndex(a.FromMonth) + a.Months
                        && (a.LiftedFromMonth is null || index < MonthIndex(a.LiftedFromMonth)))
            .Sum(a => a.MonthlyAmountWithheld);
        return new AllocationView(
            month, set.MonthlyBaseAmount, set.MonthlyBaseAmount - withheld, set.HouseholdSize, set.LoneParentIncrease, set.FromMonth, adjustments);
    }

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

public static class FlagStates
{
    public const string Open = "open";
    public const string InReview = "in-review";
    public const string Withdrawn = "withdrawn";
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string Expired = "expired";
    public const string SanctionProposed = "sanction-proposed";
    public const string SanctionRejected = "sanction-rejected";
    public const string Sanctioned = "sanctioned";
}

public static class CaseStates
{
    public const string Claimed = "claimed";
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string Expired = "expired";
    public const string SanctionProposed = "sanction-proposed";
    public const string AwaitingObservations = "awaiting-observations";
    public const string SanctionRejected = "sanction-rejected";
    public const string SanctionDecided = "sanction-decided";
}

public sealed record ReplayView(
    string RecipientId,
    DateTimeOffset At,
    IReadOnlyList<EngagementView> Engagements,
    IReadOnlyList<DeclarationView> Declarations,
    IReadOnlyList<FlagView> Flags,
    IReadOnlyList<CaseView> Cases,
    AllocationView? Allocation);

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

    public string State { get; set; } = CaseStates.Claimed;

    public string? ClaimedBy { get; set; }

    public List<StepView> History { get; } = [];
}

public sealed record StepView(DateTimeOffset At, string Step, string? By, string? Detail, long Position);

public sealed record AllocationView(
    string Month, decimal BaseAmount, decimal AmountDue, int HouseholdSize, bool LoneParentIncrease, string FromMonth,
    IReadOnlyList<AdjustmentView> Adjustments);

public sealed record AdjustmentView(
    Guid AdjustmentId, Guid DecisionId, int Percent, int Months, string FromMonth, decimal MonthlyAmountWithheld, string KeyId,
    string? LiftedFromMonth, long Position);
