using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;

namespace Platform.Rules.Sanctions;

/// <summary>
/// The weeks of one breach: the consecutive short weeks behind one <c>repeated-shortfall</c> flag, i.e. the flag's
/// week and the weeks the rule looked back on. Two flags whose periods share a week stand on the same breach.
/// </summary>
public readonly record struct BreachPeriod(IsoWeek First, IsoWeek Last)
{
    /// <summary>The breach behind a flag raised for <paramref name="flagWeek"/>.</summary>
    public static BreachPeriod BehindFlag(IsoWeek flagWeek) => new(flagWeek.AddWeeks(-RepeatedShortfall.WeeksLookedBack), flagWeek);

    public static bool TryParse(string? first, string? last, out BreachPeriod period)
    {
        period = default;
        if (!IsoWeek.TryParse(first, out var from) || !IsoWeek.TryParse(last, out var to) || from > to)
        {
            return false;
        }

        period = new BreachPeriod(from, to);
        return true;
    }

    public bool Overlaps(BreachPeriod other) => First <= other.Last && other.First <= Last;

    /// <summary>When the breach began: Monday 00:00 of its first week, in Paris.</summary>
    public DateTimeOffset StartsAt
    {
        get
        {
            var monday = First.Monday.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(monday, WeekCalendar.Paris.GetUtcOffset(monday)).ToUniversalTime();
        }
    }

    public override string ToString() => $"{First}..{Last}";
}

/// <summary>A suspension decided (or, in the review service, proposed and pending) for the same household.</summary>
/// <param name="EndedFrom">The first month no longer withheld when the suspension was ended early; null otherwise.</param>
/// <param name="Breach">The breach it sanctions; null only for decisions taken before breaches were recorded.</param>
public sealed record Suspension(int Percent, DateOnly FirstMonth, int Months, DateTimeOffset DecidedAt, BreachPeriod? Breach, DateOnly? EndedFrom = null)
{
    public DateOnly LastMonth => FirstMonth.AddMonths(Months - 1);

    public bool Withholds(DateOnly month) => month >= FirstMonth && month <= LastMonth && (EndedFrom is not { } ended || month < ended);
}

/// <summary>Why a sanction cannot be decided as it stands, beyond its own percent and months (<c>SanctionBounds</c>).</summary>
/// <param name="Code">Stable code: one of <see cref="SanctionSchedule"/>'s constants.</param>
public sealed record ScheduleConflict(string Code, string Fr, string En);

/// <summary>
/// The bounds a sanction must keep against time and against the household's other suspensions, as pure code shared by
/// the review service (at proposal and at approval) and the allocations service (on every decision it receives), so a
/// bug in one cannot break them:
/// <list type="bullet">
/// <item>never retroactive: the first month withheld is at the earliest the month after the decision (a decision
/// applies to the future; CASF L262-37 requires the person to be heard first);</item>
/// <item>one sanction per breach: a breach period already sanctioned (or under a pending proposal) gives no second one;</item>
/// <item>the cap of CASF R262-68-6 holds for the total withheld in any month across every suspension of the household:
/// 50 % for a household of more than one person or receiving the lone-parent increase (L262-9), 100 % otherwise;</item>
/// <item>"repeated" (the second step of CASF R262-68's scale) only when the breach began after an earlier decision, plus a delay that
/// is a parameter (<see cref="DefaultRepeatDelay"/>).</item>
/// </list>
/// </summary>
public static class SanctionSchedule
{
    public const string Retroactive = "start-month-retroactive";
    public const string BreachAlreadySanctioned = "breach-already-sanctioned";
    public const string HouseholdCapExceeded = "household-cap-exceeded";
    public const string RepeatNotEstablished = "repeat-not-established";

    /// <summary>
    /// How long after a decision a new breach must begin to count as repeated. The texts in force set no delay of their
    /// own; it is a parameter so that a department's reading (or a future text) changes one value, in both services.
    /// </summary>
    public static readonly TimeSpan DefaultRepeatDelay = TimeSpan.Zero;

    /// <summary>The first month a decision taken at <paramref name="decidedAt"/> may withhold: the month after it, in Paris.</summary>
    public static DateOnly EarliestStartMonth(DateTimeOffset decidedAt) => Calendar.Months.Of(decidedAt).AddMonths(1);

    /// <summary>Whether <paramref name="breach"/> began after one of <paramref name="earlier"/>'s decisions (plus the delay).</summary>
    public static bool IsRepeated(BreachPeriod breach, IEnumerable<Suspension> earlier, TimeSpan repeatDelay)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return earlier.Any(decided => decided.DecidedAt + repeatDelay <= breach.StartsAt);
    }

    /// <summary>
    /// The first way <paramref name="candidate"/> breaks the schedule against the household's <paramref name="others"/>;
    /// null when it keeps every bound.
    /// </summary>
    /// <param name="ceilingPercent">The cap for a month, from the household in force that month.</param>
    /// <param name="repeatedBreach">Whether the candidate claims a repeated breach.</param>
    public static ScheduleConflict? Check(
        Suspension candidate, bool repeatedBreach, IReadOnlyCollection<Suspension> others, Func<DateOnly, int> ceilingPercent, TimeSpan repeatDelay)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(ceilingPercent);
        var earliest = EarliestStartMonth(candidate.DecidedAt);
        if (candidate.FirstMonth < earliest)
        {
            var first = Calendar.Months.Format(earliest);
            return new(
                Retroactive,
                $"Une suspension ne s'applique qu'aux mois qui suivent la décision : elle commence au plus tôt en {first} ; demandé : {Calendar.Months.Format(candidate.FirstMonth)}.",
                $"A suspension applies only to the months after the decision: it starts in {first} at the earliest; asked: {Calendar.Months.Format(candidate.FirstMonth)}.");
        }

        if (candidate.Breach is { } breach)
        {
            if (others.FirstOrDefault(other => other.Breach is { } sanctioned && sanctioned.Overlaps(breach)) is { Breach: { } taken })
            {
                return new(
                    BreachAlreadySanctioned,
                    $"Les semaines {breach} ont déjà donné lieu à une sanction ou à une proposition de sanction (semaines {taken}) : un même manquement ne peut être sanctionné qu'une fois.",
                    $"Weeks {breach} already gave rise to a sanction or a sanction proposal (weeks {taken}): one breach can be sanctioned only once.");
            }

            if (repeatedBreach && !IsRepeated(breach, others, repeatDelay))
            {
                return new(
                    RepeatNotEstablished,
                    "Le manquement n'est pas répété : il a commencé avant toute décision de sanction antérieure.",
                    "The breach is not a repeated one: it began before any earlier sanction decision.");
            }
        }

        for (var month = candidate.FirstMonth; month <= candidate.LastMonth; month = month.AddMonths(1))
        {
            var already = others.Where(other => other.Withholds(month)).Sum(other => other.Percent);
            var ceiling = ceilingPercent(month);
            if (already + candidate.Percent > ceiling)
            {
                var name = Calendar.Months.Format(month);
                return new(
                    HouseholdCapExceeded,
                    $"En {name}, {already} % de l'allocation sont déjà suspendus : {candidate.Percent} % de plus dépasseraient le plafond de {ceiling} % pour ce foyer (CASF R262-68-6). Proposez au plus {Math.Max(0, ceiling - already)} % ou un autre mois.",
                    $"In {name}, {already} % of the allocation is already suspended: {candidate.Percent} % more would exceed this household's cap of {ceiling} % (CASF R262-68-6). Propose at most {Math.Max(0, ceiling - already)} % or another month.");
            }
        }

        return null;
    }
}
