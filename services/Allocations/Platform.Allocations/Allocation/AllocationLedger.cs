using Platform.Rules.Calendar;
using System.Data;
using Dapper;

namespace Platform.Allocations.Allocation;

/// <summary>One allocation as stated by the payer, in force from <see cref="FromMonth"/> until the next one.</summary>
public sealed record AllocationRow(
    string RecipientId, decimal MonthlyBaseAmount, int HouseholdSize, bool LoneParentIncrease, string FromMonth, string SetBy, DateTimeOffset SetAt)
{
    internal const string Select =
        "SELECT recipient_id, monthly_base_amount, household_size, lone_parent_increase, from_month, set_by, set_at FROM allocations";
}

internal sealed record AdjustmentRow(
    Guid AdjustmentId,
    Guid DecisionId,
    int Percent,
    int Months,
    string FromMonth,
    string KeyId,
    string? LiftedFromMonth,
    decimal? AmountRepaid,
    Guid? AppealId,
    int? AppealPercent,
    int? AppealMonths,
    string? AppealFromMonth,
    decimal? AppealRepaid)
{
    public const string Select =
        """
        SELECT adjustment_id, decision_id, percent, months, from_month, key_id, lifted_from_month, amount_repaid,
               appeal_id, appeal_percent, appeal_months, appeal_from_month, appeal_repaid
        FROM adjustments
        """;

    public DateOnly First => Platform.Rules.Calendar.Months.TryParse(FromMonth, out var month) ? month : default;

    public DateOnly Last => First.AddMonths(Months - 1);

    public bool Covers(DateOnly month) => month >= First && month <= Last;

    /// <summary>
    /// The share suspended in <paramref name="month"/>: the decision's, or from the appeal's first month on what the appeal
    /// left (its share within its months from the start, nothing after; nothing at all when annulled).
    /// </summary>
    public int PercentIn(DateOnly month) =>
        AppealFromMonth is not null && string.CompareOrdinal(Platform.Rules.Calendar.Months.Format(month), AppealFromMonth) >= 0
            ? (AppealMonths is { } months && months > 0 && month <= First.AddMonths(months - 1) ? AppealPercent ?? 0 : 0)
            : Percent;

    /// <summary>What the suspension withholds in <paramref name="month"/> from <paramref name="baseAmount"/>, lifting and appeal considered.</summary>
    public decimal WithheldIn(DateOnly month, decimal baseAmount) =>
        Withholds(month) ? AllocationLedger.Withheld(baseAmount, PercentIn(month)) : 0m;

    /// <summary>Withheld in <paramref name="month"/>: within the suspension and before any lifting.</summary>
    public bool Withholds(DateOnly month) =>
        Covers(month) && (LiftedFromMonth is null || string.CompareOrdinal(Platform.Rules.Calendar.Months.Format(month), LiftedFromMonth) < 0);
}

internal static class AllocationLedger
{
    /// <summary>Every allocation of the recipient, oldest first (month, then when set).</summary>
    public static async Task<IReadOnlyList<AllocationRow>> HistoryAsync(IDbConnection connection, string recipientId, IDbTransaction? transaction = null) =>
        (await connection.QueryAsync<AllocationRow>(
            $"{AllocationRow.Select} WHERE recipient_id = @recipientId ORDER BY from_month, id", new { recipientId }, transaction)).ToList();

    /// <summary>The allocation in force in <paramref name="month"/>: the last set for a month at or before it.</summary>
    public static AllocationRow? InForce(IReadOnlyList<AllocationRow> history, DateOnly month)
    {
        var key = Months.Format(month);
        return history.LastOrDefault(row => string.CompareOrdinal(row.FromMonth, key) <= 0);
    }

    public static decimal Withheld(decimal baseAmount, int percent) =>
        decimal.Round(baseAmount * percent / 100m, 2, MidpointRounding.AwayFromZero);
}
