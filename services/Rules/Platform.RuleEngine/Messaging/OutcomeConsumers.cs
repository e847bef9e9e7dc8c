using Dapper;
using MassTransit;
using Platform.Contracts.Review;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Messaging;

/// <summary>Records what humans decided about flags, for each rule's published statistics (and dismissal rate).</summary>
public sealed class OutcomeRecorder(ServiceDatabase database, TimeProvider time)
{
    public const string Dismissed = "dismissed";
    public const string Resolved = "resolved";
    public const string Expired = "expired";
    public const string Upheld = "upheld";

    public async Task RecordAsync<T>(ConsumeContext<T> context, string consumer, Guid flagId, string ruleId, string outcome, DateTimeOffset occurredAt)
        where T : class
    {
        if (flagId == Guid.Empty || string.IsNullOrWhiteSpace(ruleId))
        {
            throw new InvalidEventException($"{typeof(T).Name} without a flag id or a rule id.");
        }

        await using var work = await database.BeginOnceAsync(consumer, context.MessageId!.Value, context.CancellationToken);
        if (work is null)
        {
            return;
        }

        await work.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO flag_outcomes (flag_id, outcome, rule_id, occurred_at) VALUES (@flagId, @outcome, @ruleId, @occurredAt)
            ON CONFLICT DO NOTHING
            """,
            new { flagId, outcome, ruleId, occurredAt = occurredAt == default ? time.GetUtcNow() : occurredAt },
            work.Transaction, cancellationToken: context.CancellationToken));
        await work.CommitAsync(context.CancellationToken);
    }
}

public sealed class FlagDismissedConsumer(OutcomeRecorder outcomes) : IConsumer<FlagDismissed>
{
    public Task Consume(ConsumeContext<FlagDismissed> context) => outcomes.RecordAsync(
        context, nameof(FlagDismissedConsumer), context.Message.FlagId, context.Message.RuleId, OutcomeRecorder.Dismissed, context.Message.OccurredAt);
}

public sealed class FlagResolvedConsumer(OutcomeRecorder outcomes) : IConsumer<FlagResolved>
{
    public Task Consume(ConsumeContext<FlagResolved> context) => outcomes.RecordAsync(
        context, nameof(FlagResolvedConsumer), context.Message.FlagId, context.Message.RuleId, OutcomeRecorder.Resolved, context.Message.OccurredAt);
}

public sealed class FlagExpiredConsumer(OutcomeRecorder outcomes) : IConsumer<FlagExpired>
{
    public Task Consume(ConsumeContext<FlagExpired> context) => outcomes.RecordAsync(
        context, nameof(FlagExpiredConsumer), context.Message.FlagId, context.Message.RuleId, OutcomeRecorder.Expired, context.Message.OccurredAt);
}

/// <summary>A signed sanction decision means a human upheld the flag it started from.</summary>
public sealed class SanctionDecidedConsumer(OutcomeRecorder outcomes) : IConsumer<SanctionDecided>
{
    public Task Consume(ConsumeContext<SanctionDecided> context) => outcomes.RecordAsync(
        context, nameof(SanctionDecidedConsumer), context.Message.FlagId, context.Message.RuleId, OutcomeRecorder.Upheld, context.Message.DecidedAt);
}
