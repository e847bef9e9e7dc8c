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
    DateTimeOffset? LiftedAt,
    string? LiftedDecidedMonth,
    decimal? AmountRepaid,
    Guid? AppealId,
    int? AppealPercent,
    int? AppealMonths,
    string? AppealFromMonth,
    DateTimeOffset? AppealAppliedAt,
    decimal? AppealRepaid)
{
    public const string Select =
        """
        SELECT adjustment_id, decision_id, percent, months, from_month, key_id, lifted_from_month, lifted_at, lifted_decided_month, amount_repaid,
               appeal_id, appeal_percent, appeal_months, appeal_from_month, appeal_applied_at, appeal_repaid
        FROM adjustments
        """;

    public DateOnly First => Platform.Rules.Calendar.Months.TryParse(FromMonth, out var month) ? month : default;

    public DateOnly Last => First.AddMonths(Months - 1);

    public SuspensionTerms Terms => new(Percent, Months, First);

    public bool Covers(DateOnly month) => month >= First && month <= Last;

    /// <summary>Annulled on appeal: it withholds nothing and counts for nothing against the next decision.</summary>
    public bool Annulled => AppealMonths == 0;

    /// <summary>
    /// The month an ending's repayment is paid: its first month without suspension, or the month it was decided when it
    /// looks back on months already begun.
    /// </summary>
    public string? LiftRepaidIn =>
        LiftedFromMonth is null ? null
        : LiftedDecidedMonth is not null && string.CompareOrdinal(LiftedDecidedMonth, LiftedFromMonth) > 0 ? LiftedDecidedMonth
        : LiftedFromMonth;

    /// <summary>The endings and appeals applied to this suspension, in the order they were applied.</summary>
    public IReadOnlyList<LaterDecision> LaterDecisions
    {
        get
        {
            var ending = Platform.Rules.Calendar.Months.TryParse(LiftedFromMonth, out var from)
                ? new EndingDecision(from, Platform.Rules.Calendar.Months.TryParse(LiftedDecidedMonth, out var decidedIn) ? decidedIn : from)
                : null;
            var appeal = Platform.Rules.Calendar.Months.TryParse(AppealFromMonth, out var appealFrom)
                ? new AppealDecision(appealFrom, AppealPercent ?? 0, AppealMonths ?? 0)
                : null;
            return (ending, appeal) switch
            {
                ({ } end, { } decided) => AppealAppliedAt < LiftedAt ? [decided, end] : [end, decided],
                ({ } end, null) => [end],
                (null, { } decided) => [decided],
                _ => [],
            };
        }
    }

    /// <summary>The suspension's ledger as applied, plus <paramref name="next"/> when given (the decision being applied).</summary>
    public SuspensionLedger Ledger(IReadOnlyList<AllocationRow> history, LaterDecision? next = null) =>
        SuspensionLedger.Run(
            Terms,
            month => AllocationLedger.InForce(history, month)?.MonthlyBaseAmount ?? 0m,
            next is null ? LaterDecisions : [.. LaterDecisions, next]);
}

public static class AllocationLedger
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
