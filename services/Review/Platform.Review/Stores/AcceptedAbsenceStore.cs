using Dapper;
using Platform.Review.Domain;
using Platform.Rules.Sanctions;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>
/// The <c>accepted_absences</c> table: the weeks of each accepted justified absence, learnt from the declarations
/// service's <c>AbsenceDecided</c>. A refused absence is never kept.
/// </summary>
internal static class AcceptedAbsenceStore
{
    private const string Overlapping =
        """
        SELECT absence_id, from_week, to_week FROM accepted_absences
         WHERE recipient_id = @recipientId AND from_week <= @last AND to_week >= @first
         ORDER BY from_week, absence_id
        """;

    /// <summary>Keeps an accepted absence; false when it was already kept.</summary>
    public static async Task<bool> KeepAsync(ServiceTransaction work, Guid absenceId, string recipientId, string fromWeek, string toWeek) =>
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO accepted_absences (absence_id, recipient_id, from_week, to_week) VALUES (@absenceId, @recipientId, @fromWeek, @toWeek)
            ON CONFLICT (absence_id) DO NOTHING
            """,
            new { absenceId, recipientId, fromWeek, toWeek },
            work.Transaction) > 0;

    /// <summary>Every accepted absence of <paramref name="recipientId"/>, earliest first: what a breach is checked against.</summary>
    public static async Task<IReadOnlyList<ExcusingAbsence>> OfAsync(ServiceTransaction work, string recipientId) =>
        (await work.Connection.QueryAsync<ExcusingAbsence>(
            "SELECT absence_id, from_week, to_week FROM accepted_absences WHERE recipient_id = @recipientId ORDER BY from_week, absence_id",
            new { recipientId },
            work.Transaction)).ToList();

    /// <summary>The accepted absences of <paramref name="recipientId"/> covering a week of <paramref name="weeks"/>, as committed.</summary>
    public static async Task<IReadOnlyList<ExcusingAbsence>> OverlappingAsync(
        ServiceDatabase database, string recipientId, BreachPeriod weeks, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await connection.QueryAsync<ExcusingAbsence>(new CommandDefinition(
            Overlapping,
            new { recipientId, first = weeks.First.ToString(), last = weeks.Last.ToString() },
            cancellationToken: cancellationToken))).ToList();
    }
}
