using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Rules.Sanctions;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Absences;

/// <summary>
/// The weeks excused by accepted justified absences, learnt from the declarations service's <c>AbsenceDecided</c>. A
/// motif légitime excuses a breach (CASF R262-68-6; Conseil constitutionnel, décision n° 2023-858 DC): no sanction may
/// rest on a week it covers.
/// </summary>
internal static class ExcusedWeeks
{
    public const string BreachWeekExcused = ProblemTypes.Base + "breach-week-excused";

    /// <summary>Keeps an accepted absence; false when it was already kept.</summary>
    public static async Task<bool> KeepAsync(ServiceTransaction work, Guid absenceId, string recipientId, string fromWeek, string toWeek) =>
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO accepted_absences (absence_id, recipient_id, from_week, to_week) VALUES (@absenceId, @recipientId, @fromWeek, @toWeek)
            ON CONFLICT (absence_id) DO NOTHING
            """,
            new { absenceId, recipientId, fromWeek, toWeek },
            work.Transaction) > 0;

    /// <summary>The first accepted absence of <paramref name="recipientId"/> covering a week of <paramref name="breach"/>, if any.</summary>
    public static Task<ExcusingAbsence?> CoveringAsync(ServiceTransaction work, string recipientId, BreachPeriod breach) =>
        work.Connection.QueryFirstOrDefaultAsync<ExcusingAbsence?>(
            """
            SELECT absence_id, from_week, to_week FROM accepted_absences
             WHERE recipient_id = @recipientId AND from_week <= @last AND to_week >= @first
             ORDER BY from_week LIMIT 1
            """,
            new { recipientId, first = breach.First.ToString(), last = breach.Last.ToString() },
            work.Transaction);

    /// <summary>The 409 of a proposal that would rest on an excused week.</summary>
    public static ProblemHttpResult Refusal(ExcusingAbsence absence, BreachPeriod breach) => Problems.Conflict(
        BreachWeekExcused,
        $"Le manquement proposé (semaines {breach.First} à {breach.Last}) repose sur des semaines couvertes par l'absence justifiée n° {absence.AbsenceId} "
            + $"(semaines {absence.FromWeek} à {absence.ToWeek}), acceptée : un motif légitime excuse ces semaines et aucune sanction ne peut s'y appuyer "
            + "(CASF R262-68-6).",
        $"The proposed breach (weeks {breach.First} to {breach.Last}) rests on weeks covered by justified absence no. {absence.AbsenceId} "
            + $"(weeks {absence.FromWeek} to {absence.ToWeek}), accepted: a legitimate reason excuses those weeks and no sanction may rest on them "
            + "(CASF R262-68-6).");
}

internal sealed record ExcusingAbsence(Guid AbsenceId, string FromWeek, string ToWeek);
