using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Rules;
using Platform.Review.Cases;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Messaging;

/// <summary>Opens one case per flag, keeping the flag exactly as raised. A flag seen twice opens one case.</summary>
public sealed class FlagRaisedConsumer(ServiceDatabase database, TimeProvider time, IOptions<ReviewOptions> options, ILogger<FlagRaisedConsumer> logger)
    : IConsumer<FlagRaised>
{
    public async Task Consume(ConsumeContext<FlagRaised> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var flag = context.Message;
        await using var work = await database.BeginOnceAsync(nameof(FlagRaisedConsumer), context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var caseId = Guid.CreateVersion7(now);
        var opened = await work.Connection.ExecuteAsync(
            """
            INSERT INTO cases (case_id, flag_id, recipient_id, week, rule_id, rule_version, facts, parameters, explanation_fr, explanation_en,
                               sanction_eligible, state, opened_at, expires_at)
            VALUES (@caseId, @FlagId, @RecipientId, @Week, @RuleId, @RuleVersion, @facts::jsonb, @parameters::jsonb, @fr, @en,
                    @SanctionEligible, @state, @now, @expiresAt)
            ON CONFLICT (flag_id) DO NOTHING
            """,
            new
            {
                caseId, flag.FlagId, flag.RecipientId, flag.Week, flag.RuleId, flag.RuleVersion,
                facts = flag.Facts.ValueKind == JsonValueKind.Undefined ? "{}" : flag.Facts.GetRawText(),
                parameters = JsonSerializer.Serialize(flag.Parameters ?? new Dictionary<string, decimal>()),
                fr = flag.Explanation?.Fr ?? "", en = flag.Explanation?.En ?? "",
                flag.SanctionEligible, state = CaseStates.Open, now, expiresAt = now + options.Value.CaseExpiry,
            },
            work.Transaction);
        if (opened == 1)
        {
            await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, caseId, now, "opened", "rules", null);
            logger.LogInformation("Opened case {CaseId} for flag {FlagId} of rule {RuleId}", caseId, flag.FlagId, flag.RuleId);
        }

        await work.CommitAsync(context.CancellationToken);
    }
}
