using System.Globalization;
using Platform.Contracts.Review;
using Platform.Rules.Calendar;

namespace Platform.Audit.Log;

/// <summary>
/// Per rule and month of the sanction decision (Paris time): sanctions decided, how many were appealed, and what became
/// of the appeals — confirmed, reduced, annulled, implicitly rejected (two months of silence, no decision since), still
/// pending — with the share annulled out of the appeals a person decided, so that a rule whose decisions are often
/// annulled on appeal stands out as one whose flags are often dismissed does. Counts only, from the log alone: feed it
/// the log's <see cref="Types"/> entries in any order.
/// </summary>
public sealed class AppealStatistics
{
    /// <summary>The event types the figures come from.</summary>
    public static readonly IReadOnlyList<string> Types =
        [EventTypes.SanctionDecided, EventTypes.AppealFiled, EventTypes.AppealDecided, EventTypes.AppealImplicitlyRejected];

    private readonly Dictionary<Guid, (string RuleId, string Month)> decisions = [];
    private readonly Dictionary<Guid, Guid> appeals = [];
    private readonly Dictionary<Guid, string> outcomes = [];
    private readonly HashSet<Guid> implicitlyRejected = [];

    public void Add(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.MessageType == EventTypes.SanctionDecided)
        {
            var decided = EventTypes.Read<SanctionDecided>(entry);
            decisions.TryAdd(decided.DecisionId, (decided.RuleId, WeekCalendar.TodayIn(decided.DecidedAt).ToString("yyyy-MM", CultureInfo.InvariantCulture)));
        }
        else if (entry.MessageType == EventTypes.AppealFiled)
        {
            var filed = EventTypes.Read<AppealFiled>(entry);
            appeals.TryAdd(filed.AppealId, filed.SanctionDecisionId);
        }
        else if (entry.MessageType == EventTypes.AppealDecided)
        {
            var decided = EventTypes.Read<AppealDecided>(entry);
            outcomes[decided.AppealId] = decided.Outcome;
        }
        else if (entry.MessageType == EventTypes.AppealImplicitlyRejected)
        {
            implicitlyRejected.Add(EventTypes.Read<AppealImplicitlyRejected>(entry).AppealId);
        }
    }

    public AppealStatisticsView Result()
    {
        var rows = new SortedDictionary<(string RuleId, string Month), Counts>();
        Counts Row(Guid decisionId)
        {
            var key = decisions[decisionId];
            if (!rows.TryGetValue(key, out var counts))
            {
                counts = new Counts();
                rows[key] = counts;
            }

            return counts;
        }

        foreach (var decisionId in decisions.Keys)
        {
            Row(decisionId).Decided++;
        }

        // An appeal against a decision the log does not hold cannot be put under a rule: verification reports it.
        foreach (var (appealId, decisionId) in appeals.Where(pair => decisions.ContainsKey(pair.Value)))
        {
            var counts = Row(decisionId);
            counts.Appealed++;
            switch (outcomes.GetValueOrDefault(appealId))
            {
                case AppealOutcome.Confirmed:
                    counts.Confirmed++;
                    break;
                case AppealOutcome.Reduced:
                    counts.Reduced++;
                    break;
                case AppealOutcome.Annulled:
                    counts.Annulled++;
                    break;
                case null when implicitlyRejected.Contains(appealId):
                    counts.ImplicitlyRejected++;
                    break;
                default:
                    counts.Pending++;
                    break;
            }
        }

        return new AppealStatisticsView(rows.Select(pair => new RuleMonthAppeals(
            pair.Key.RuleId, pair.Key.Month, pair.Value.Decided, pair.Value.Appealed, pair.Value.Confirmed, pair.Value.Reduced, pair.Value.Annulled,
            pair.Value.ImplicitlyRejected, pair.Value.Pending,
            pair.Value.Confirmed + pair.Value.Reduced + pair.Value.Annulled is var decided and > 0 ? Math.Round((decimal)pair.Value.Annulled / decided, 4) : null))
            .ToList());
    }

    private sealed class Counts
    {
        public int Decided { get; set; }

        public int Appealed { get; set; }

        public int Confirmed { get; set; }

        public int Reduced { get; set; }

        public int Annulled { get; set; }

        public int ImplicitlyRejected { get; set; }

        public int Pending { get; set; }
    }
}

/// <summary>The appeal figures, one row per rule and month of the sanction decision (Paris time), by rule then month.</summary>
public sealed record AppealStatisticsView(IReadOnlyList<RuleMonthAppeals> Months);

/// <param name="Month">The month the sanctions were decided, Paris time (<c>yyyy-MM</c>).</param>
/// <param name="Decided">Sanctions of this rule decided that month.</param>
/// <param name="Appealed">Of them, how many were appealed (RAPO); the next five add up to it.</param>
/// <param name="ImplicitlyRejected">Appeals left two months without an outcome and not decided since.</param>
/// <param name="Pending">Appeals still within their two months, without an outcome.</param>
/// <param name="AnnulledShare">Annulled out of the appeals a person decided (confirmed, reduced, annulled), 0 to 1; null when none was decided.</param>
public sealed record RuleMonthAppeals(
    string RuleId,
    string Month,
    int Decided,
    int Appealed,
    int Confirmed,
    int Reduced,
    int Annulled,
    int ImplicitlyRejected,
    int Pending,
    decimal? AnnulledShare);
