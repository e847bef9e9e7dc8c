using System.Text.Json;
using Dapper;
using Platform.Contracts.Rules;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.RuleEngine.Flags;

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
    /// Keeps an accepted justified absence (a motif légitime excuses its weeks, CASF R262-68-6), read back by
    /// <see cref="RecipientHistory"/> and the deadline job; false when it was already kept.
    /// </summary>
    public static async Task<bool> KeepAbsenceAsync(
        ServiceTransaction work, Guid absenceId, string recipientId, IsoWeek from, IsoWeek to, CancellationToken cancellationToken) =>
        await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO accepted_absences (absence_id, recipient_id, from_week, to_week) VALUES (@absenceId, @recipientId, @from, @to)
            ON CONFLICT (absence_id) DO NOTHING
            """,
            new { absenceId, recipientId, from = from.ToString(), to = to.ToString() },
            work.Transaction, cancellationToken: cancellationToken)) > 0;

    /// <summary>How many units a week's deadline is split into; the same number is fixed in the <c>engagements.deadline_bucket</c> column.</summary>
    public const int DeadlineBuckets = 64;

    /// <summary>A recipient's deadline bucket, in SQL, from the text expression <paramref name="recipientId"/>.</summary>
    public static string BucketOfSql(string recipientId) => $"((hashtext({recipientId}) & 2147483647) % {DeadlineBuckets})";

    /// <summary>
    /// Serialises the deadline processing of one (week, bucket) unit (exclusive; parameters <c>@week</c>, <c>@bucket</c>)
    /// against declarations of that week by recipients of that bucket (shared; parameters <c>@week</c>, <c>@recipientId</c>):
    /// a declaration either lands before the unit's snapshot or sees — and withdraws — the flag it raised. A declaration
    /// waits for one bucket's transaction at most.
    /// </summary>
    public static string LockDeadlineUnitSql(bool exclusive) => exclusive
        ? "SELECT pg_advisory_xact_lock(hashtextextended('rules-deadline:' || @week || ':' || @bucket, 0))"
        : $"SELECT pg_advisory_xact_lock_shared(hashtextextended('rules-deadline:' || @week || ':' || {BucketOfSql("@recipientId")}, 0))";

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
                    await WithdrawAsync(work, recipientId, flag, history.AbsenceCovering(week), cancellationToken);
                    changes++;
                }
            }
        }

        return changes;
    }

    /// <summary>
    /// Raises a flag, recording the recipient's département as this service knows it now (null when the placement has
    /// not arrived yet: see <c>RuleStatistics</c>).
    /// </summary>
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
            INSERT INTO flags (flag_id, recipient_id, week, rule_id, rule_version, facts, parameters, sanction_eligible, raised_at, departement)
            VALUES (@flagId, @recipientId, @week, @ruleId, @ruleVersion, @facts::jsonb, @parameters::jsonb, @sanctionEligible, @raisedAt,
                    (SELECT departement FROM recipient_departements WHERE recipient_id = @recipientId))
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

    /// <summary>
    /// Raises one flag of <paramref name="rule"/> per input, all of one week, with one statement for the flags and one
    /// for their events (the deadline job raises thousands at a time).
    /// </summary>
    public static async Task RaiseManyAsync(
        ServiceTransaction work, Rule rule, string week, IReadOnlyList<(string RecipientId, RuleInput Input)> raised,
        IReadOnlyDictionary<string, decimal> parameters, CancellationToken cancellationToken)
    {
        if (raised.Count == 0)
        {
            return;
        }

        var flagIds = new Guid[raised.Count];
        var recipients = new string[raised.Count];
        var facts = new string[raised.Count];
        var raisedAt = new DateTimeOffset[raised.Count];
        for (var i = 0; i < raised.Count; i++)
        {
            var (recipientId, input) = raised[i];
            var fact = RuleJson.ToFacts(input);
            var published = work.Publish(new FlagRaised(
                Guid.CreateVersion7(), recipientId, week, rule.Definition.Id, rule.Definition.Version, fact, parameters,
                rule.Explain(input, parameters), rule.Definition.SanctionEligible));
            (flagIds[i], recipients[i], facts[i], raisedAt[i]) = (published.FlagId, recipientId, fact.GetRawText(), published.OccurredAt);
        }

        await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO flags (flag_id, recipient_id, week, rule_id, rule_version, facts, parameters, sanction_eligible, raised_at, departement)
            SELECT f.flag_id, f.recipient_id, @week, @ruleId, @ruleVersion, f.facts::jsonb, @parameters::jsonb, @sanctionEligible, f.raised_at, p.departement
              FROM unnest(@flagIds, @recipients, @facts, @raisedAt) AS f (flag_id, recipient_id, facts, raised_at)
              LEFT JOIN recipient_departements p ON p.recipient_id = f.recipient_id
            """,
            new
            {
                week,
                ruleId = rule.Definition.Id,
                ruleVersion = rule.Definition.Version,
                parameters = JsonSerializer.Serialize(parameters, ContractJson.Options),
                sanctionEligible = rule.Definition.SanctionEligible,
                flagIds,
                recipients,
                facts,
                raisedAt,
            },
            work.Transaction, cancellationToken: cancellationToken));
    }

    private static async Task WithdrawAsync(
        ServiceTransaction work, string recipientId, OpenFlag flag, AcceptedAbsence? covering, CancellationToken cancellationToken)
    {
        var reason = covering is not null
            ? new Explanation(
                $"La semaine {flag.Week} est couverte par votre absence justifiée n° {covering.AbsenceId} (semaines {covering.FromWeek} à {covering.ToWeek}), "
                    + "acceptée : un motif légitime excuse cette semaine (CASF R262-68-6) et le signalement est retiré en votre faveur.",
                $"Week {flag.Week} is covered by your justified absence no. {covering.AbsenceId} (weeks {covering.FromWeek} to {covering.ToWeek}), "
                    + "accepted: a legitimate reason excuses this week (CASF R262-68-6) and the flag is withdrawn in your favour.")
            : flag.RuleId == DeclarationMissing.Id
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
