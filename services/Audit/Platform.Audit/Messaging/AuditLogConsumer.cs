using MassTransit;
using Platform.Audit.Capture;
using Platform.Contracts;

namespace Platform.Audit.Messaging;

/// <summary>
/// The one subscription of the audit log: every contract is an <see cref="IPlatformEvent"/> and MassTransit publishes
/// it through that interface's exchange too, so a new contract is captured without new code. Events come in batches
/// appended in one transaction per partition the batch touches; the batch is acknowledged only once all are committed
/// (a batch redelivered after a partial append appends only what is missing: message ids already in the log are skipped).
/// </summary>
public sealed class AuditLogConsumer(LogAppender appender, TimeProvider time, ILogger<AuditLogConsumer> logger)
    : IConsumer<Batch<IPlatformEvent>>
{
    public async Task Consume(ConsumeContext<Batch<IPlatformEvent>> context)
    {
        var receivedAt = time.GetUtcNow();
        // Concurrent delivery may fill a batch slightly out of queue order: the delivery tag restores it.
        var captured = context.Message
            .OrderBy(DeliveryOrder)
            .Select(message => Envelope.Capture(message.ReceiveContext.Body.GetBytes(), message.MessageId, receivedAt, Publisher(message)))
            .ToList();
        var appended = await appender.AppendAsync(captured, context.CancellationToken);
        logger.LogDebug("Appended {Appended} of {Received} events to the audit log", appended.Count, captured.Count);
    }

    /// <summary>The broker-validated publisher: RabbitMQ refuses a user_id other than the publishing connection's user.</summary>
    private static string Publisher(ConsumeContext<IPlatformEvent> message) =>
        message.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit.Properties.UserId ?? "" : "";

    private static ulong DeliveryOrder(ConsumeContext<IPlatformEvent> message) =>
        message.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit.DeliveryTag : 0;
}

public sealed class AuditLogConsumerDefinition : ConsumerDefinition<AuditLogConsumer>
{
    /// <summary>Events per batch at most: one transaction (one lock of its head row) per partition they fall in.</summary>
    public const int BatchSize = 100;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AuditLogConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ArgumentNullException.ThrowIfNull(consumerConfigurator);
        // One batch at a time keeps the log in the order the queue delivers; a full batch needs that many messages in flight.
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
        endpointConfigurator.ConcurrentMessageLimit = BatchSize;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = BatchSize * 2;
            // One instance reads the log's queue at a time (another takes over when its connection goes), so several
            // instances of the audit service keep appending each producer's events in the order they were published.
            rabbit.SingleActiveConsumer = true;
        }
    }
}
