using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;

namespace Platform.Review.Domain;

/// <summary>
/// An accepted justified absence, over whole ISO weeks. A motif légitime excuses a breach (CASF R262-68-6; Conseil
/// constitutionnel, décision n° 2023-858 DC): no sanction may rest on a week it covers, neither when it is proposed nor
/// when it is approved.
/// </summary>
public sealed record ExcusingAbsence(Guid AbsenceId, string FromWeek, string ToWeek)
{
    /// <summary>Whether this absence covers at least one week of <paramref name="weeks"/>.</summary>
    public bool Overlaps(BreachPeriod weeks) =>
        IsoWeek.TryParse(FromWeek, out var from) && IsoWeek.TryParse(ToWeek, out var to) && from <= weeks.Last && to >= weeks.First;

    /// <summary>The first of <paramref name="absences"/> covering a week of <paramref name="breach"/>; null when none does.</summary>
    public static ExcusingAbsence? Covering(IEnumerable<ExcusingAbsence> absences, BreachPeriod breach)
    {
        ArgumentNullException.ThrowIfNull(absences);
        return absences.Where(absence => absence.Overlaps(breach)).OrderBy(absence => absence.FromWeek, StringComparer.Ordinal).FirstOrDefault();
    }
}
