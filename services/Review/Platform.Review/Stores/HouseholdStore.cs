using Dapper;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The <c>households</c> table: the household facts the allocations service told this service.</summary>
internal static class HouseholdStore
{
    /// <summary>
    /// Keeps the facts of the statement with the highest producer sequence: an older statement consumed after a newer
    /// one changes nothing (returns false). Equal sequences replace, so statements published without one still apply.
    /// </summary>
    public static async Task<bool> SetAsync(ServiceTransaction work, string recipientId, Household household, long producerSequence, DateTimeOffset now) =>
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO households (recipient_id, household_size, lone_parent_increase, updated_at, producer_sequence)
            VALUES (@recipientId, @Size, @LoneParentIncrease, @now, @producerSequence)
            ON CONFLICT (recipient_id) DO UPDATE
            SET household_size = excluded.household_size, lone_parent_increase = excluded.lone_parent_increase,
                updated_at = excluded.updated_at, producer_sequence = excluded.producer_sequence
            WHERE households.producer_sequence <= excluded.producer_sequence
            """,
            new { recipientId, household.Size, household.LoneParentIncrease, now, producerSequence },
            work.Transaction) == 1;

    public static async Task<Household?> FindAsync(ServiceTransaction work, string recipientId)
    {
        var row = await work.Connection.QuerySingleOrDefaultAsync<(int HouseholdSize, bool LoneParentIncrease)?>(
            "SELECT household_size, lone_parent_increase FROM households WHERE recipient_id = @recipientId",
            new { recipientId },
            work.Transaction);
        return row is { } found ? new Household(found.HouseholdSize, found.LoneParentIncrease) : null;
    }

    /// <summary>The monthly base amount the paying body last stated: the notice gives the envisaged sanction in euros.</summary>
    public static Task SetBaseAmountAsync(ServiceTransaction work, string recipientId, decimal monthlyBaseAmount) =>
        work.Connection.ExecuteAsync(
            "UPDATE households SET monthly_base_amount = @monthlyBaseAmount WHERE recipient_id = @recipientId",
            new { recipientId, monthlyBaseAmount },
            work.Transaction);

    public static Task<decimal?> BaseAmountAsync(ServiceTransaction work, string recipientId) =>
        work.Connection.ExecuteScalarAsync<decimal?>(
            "SELECT monthly_base_amount FROM households WHERE recipient_id = @recipientId", new { recipientId }, work.Transaction);
}
