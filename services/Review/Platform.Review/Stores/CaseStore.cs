using System.Text.Json;
using Dapper;
using Platform.Contracts.Rules;
using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>The writes of the <c>cases</c> and <c>case_history</c> tables, inside the caller's unit of work.</summary>
internal static class CaseStore
{
    /// <summary>Opens the case of a flag unless one already exists for it; returns whether it was opened.</summary>
    public static async Task<bool> InsertAsync(ServiceTransaction work, Case opened)
    {
        var inserted = await work.Connection.ExecuteAsync(
            """
            INSERT INTO cases (case_id, flag_id, recipient_id, week, rule_id, rule_version, facts, parameters, explanation_fr, explanation_en,
                               sanction_eligible, state, opened_at, expires_at)
            VALUES (@CaseId, @FlagId, @RecipientId, @Week, @RuleId, @RuleVersion, @facts::jsonb, @parameters::jsonb, @fr, @en,
                    @SanctionEligible, @State, @OpenedAt, @ExpiresAt)
            ON CONFLICT (flag_id) DO NOTHING
            """,
            new
            {
                opened.CaseId, opened.FlagId, opened.RecipientId, opened.Week, opened.RuleId, opened.RuleVersion,
                facts = opened.Facts.GetRawText(), parameters = JsonSerializer.Serialize(opened.Parameters),
                fr = opened.Explanation.Fr, en = opened.Explanation.En, opened.SanctionEligible, opened.State, opened.OpenedAt, opened.ExpiresAt,
            },
            work.Transaction);
        return inserted == 1;
    }

    public static Task UpdateAsync(ServiceTransaction work, Case changed) =>
        work.Connection.ExecuteAsync(
            "UPDATE cases SET state = @State, claimed_by = @ClaimedBy, closed_at = @ClosedAt WHERE case_id = @CaseId",
            new { changed.CaseId, changed.State, changed.ClaimedBy, changed.ClosedAt },
            work.Transaction);

    public static Task AddHistoryAsync(ServiceTransaction work, IReadOnlyList<HistoryStep> steps) =>
        steps.Count == 0
            ? Task.CompletedTask
            : work.Connection.ExecuteAsync(
                "INSERT INTO case_history (case_id, at, action, actor, detail) VALUES (@CaseId, @At, @Action, @Actor, @Detail)",
                steps,
                work.Transaction);

    /// <summary>The aggregate of a stored row.</summary>
    public static Case ToCase(CaseRow row) => new(
        row.CaseId,
        row.FlagId,
        row.RecipientId,
        row.Week,
        row.RuleId,
        row.RuleVersion,
        JsonDocument.Parse(row.Facts).RootElement.Clone(),
        JsonSerializer.Deserialize<Dictionary<string, decimal>>(row.Parameters) ?? [],
        new Explanation(row.ExplanationFr, row.ExplanationEn),
        row.SanctionEligible,
        row.State,
        row.OpenedAt,
        row.ExpiresAt,
        row.ClaimedBy,
        row.ClosedAt);
}
