using System.Text.Json;
using Dapper;
using Platform.Contracts.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Rules.Service.Flags;

/// <summary>
/// Brings a recipient's open flags in line with what the rules say on the data now held, inside the caller's
/// transaction: a flag that has become true is raised, one that no longer is is withdrawn (in the recipient's
/// favour), each with its event in the same transaction. The missing-declaration flag is only ever raised by the
/// deadline job; here it can only be withdrawn (a late declaration, an engagement corrected to 0).
/// </summary>
public static class FlagBook
{
    /// <summary>The rules the service runs, with the parameters of the version in force (the declared defaults).</summary>
    public static readonly string[] RuleIds = [WeeklyHoursBelowEngagement.Id, RepeatedShortfall.Id, DeclarationMissing.Id];

    /// <summary>Serialises the changes of one recipient's flags (parameter <c>@recipientId</c>).</summary>
    public const string LockRecipientSql = "SELECT pg_advisory_xact_lock(hashtextextended('rules-recipient:' || @recipientId, 0))";

    public static async Task LockRecipientAsync(ServiceTransaction work, string recipientId, CancellationToken cancellationToken) =>
        await work.Connection.ExecuteAsync(new CommandDefinition(
            LockRecipientSql, new { recipientId }, work.Transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Serialises a week's deadline processing (exclusive) against declarations of that week (shared): a declaration
    /// either lands before the deadline's snapshot or sees — and withdraws — the flag it raised. Parameter <c>@week</c>.
    /// </summary>
    public static string LockWeekSql(bool exclusive) => exclusive
        ? "SELECT pg_advisory_xact_lock(hashtextextended('rules-deadline:' || @week, 0))"
        : "SELECT pg_advisory_xact_lock_shared(hashtextextended('rules-deadline:' || @week, 0))";

    public static async Task LockWeekAsync(ServiceTransaction work, IsoWeek week, bool exclusive, CancellationToken cancellationToken) =>
        await work.Connection.ExecuteAsync(new CommandDefinition(
            LockWeekSql(exclusive), new { week = week.ToString() }, work.Transaction, cancellationToken: cancellationToken));

    public static async Task<int> ReconcileAsync(
        ServiceTransaction work, string recipientId, IEnumerable<IsoWeek> weeks, CancellationToken cancellationToken)
    {
        // The recipient's history and open flags in one round trip.
        RecipientHistory history;
        Dictionary<(string Week, string RuleId), OpenFlag> open;
        await using (var results = await work.Connection.QueryMultipleAsync(new CommandDefinition(
            RecipientHistory.Select
            + "SELECT flag_id, week, rule_id, rule_version FROM flags WHERE recipient_id = @recipientId AND withdrawn_at IS NULL;",
            new { recipientId }, work.Transaction, cancellationToken: cancellationToken)))
        {
            history = await RecipientHistory.ReadAsync(results);
            open = (await results.ReadAsync<OpenFlag>()).ToDictionary(flag => (flag.Week, flag.RuleId));
        }

        var changes = 0;
        foreach (var week in weeks.Distinct().Order())
        {
            foreach (var ruleId in RuleIds)
            {
                var rule = RuleCatalogue.InForce(ruleId, week);
                open.TryGetValue((week.ToString(), ruleId), out var flag);
                if (rule is null)
                {
                    continue;
                }

                var input = ruleId == RepeatedShortfall.Id ? history.InputWithPreviousWeeksFor(week) : history.InputFor(week);
                var parameters = rule.Definition.DefaultParameters();
                var raises = rule.Raises(input, parameters);
                if (raises && flag is null && ruleId != DeclarationMissing.Id)
                {
                    await RaiseAsync(work, recipientId, rule, input, parameters, cancellationToken);
                    changes++;
                }
                else if (!raises && flag is not null)
                {
                    await WithdrawAsync(work, recipientId, flag, cancellationToken);
                    changes++;
                }
            }
        }

        return changes;
    }

    public static async Task RaiseAsync(
        ServiceTransaction work, string recipientId, Rule rule, RuleInput input,
        IReadOnlyDictionary<string, decimal> parameters, CancellationToken cancellationToken)
    {
        var flagId = Guid.CreateVersion7();
        var facts = RuleJson.ToFacts(input);
        var raised = work.Publish(new FlagRaised(
            flagId, recipientId, input.Week, rule.Definition.Id, rule.Definition.Version, facts, parameters,
            rule.Explain(input, parameters), rule.Definition.SanctionEligible));
        await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO flags (flag_id, recipient_id, week, rule_id, rule_version, facts, parameters, sanction_eligible, raised_at)
            VALUES (@flagId, @recipientId, @week, @ruleId, @ruleVersion, @facts::jsonb, @parameters::jsonb, @sanctionEligible, @raisedAt)
            """,
            new
            {
                flagId,
                recipientId,
                week = input.Week,
                ruleId = rule.Definition.Id,
                ruleVersion = rule.Definition.Version,
                facts = facts.GetRawText(),
                parameters = JsonSerializer.Serialize(parameters, ContractJson.Options),
                sanctionEligible = rule.Definition.SanctionEligible,
                raisedAt = raised.OccurredAt,
            },
            work.Transaction, cancellationToken: cancellationToken));
    }

    private static async Task WithdrawAsync(ServiceTransaction work, string recipientId, OpenFlag flag, CancellationToken cancellationToken)
    {
        var reason = flag.RuleId == DeclarationMissing.Id
            ? new Explanation(
                $"Une déclaration a été reçue pour la semaine {flag.Week}, ou l'engagement de cette semaine ne prévoit plus d'heures : le signalement est retiré.",
                $"A declaration was received for week {flag.Week}, or that week's engagement no longer asks for hours: the flag is withdrawn.")
            : new Explanation(
                $"Avec la déclaration et l'engagement à jour pour la semaine {flag.Week}, la règle {flag.RuleId} ne relève plus rien : le signalement est retiré en votre faveur.",
                $"With the up-to-date declaration and engagement for week {flag.Week}, rule {flag.RuleId} no longer finds anything: the flag is withdrawn in your favour.");
        var withdrawn = work.Publish(new FlagWithdrawn(flag.FlagId, recipientId, flag.Week, flag.RuleId, flag.RuleVersion, reason));
        await work.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE flags SET withdrawn_at = @at WHERE flag_id = @FlagId",
            new { flag.FlagId, at = withdrawn.OccurredAt }, work.Transaction, cancellationToken: cancellationToken));
    }

    private sealed record OpenFlag(Guid FlagId, string Week, string RuleId, int RuleVersion);
}
