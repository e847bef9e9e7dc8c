using MassTransit;
using Platform.Audit.Capture;
using Platform.Contracts;

namespace Platform.Audit.Messaging;

/// <summary>
/// The one subscription of the audit log: every contract is an <see cref="IPlatformEvent"/> and MassTransit publishes
/// it through that interface's exchange too, so a new contract is captured without new code. Many messages are taken at
/// once and appended together, in the order the queue delivered them (<see cref="DeliveryOrderAppender"/>); each is
/// acknowledged once it is in the log (a message redelivered after a crash appends nothing: message ids already in the
/// log are skipped).
/// </summary>
public sealed class AuditLogConsumer(DeliveryOrderAppender appender, TimeProvider time) : IConsumer<IPlatformEvent>
{
    public Task Consume(ConsumeContext<IPlatformEvent> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var delivery = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit : null;
        // The broker-validated publisher: RabbitMQ refuses a user_id other than the publishing connection's user.
        var captured = Envelope.Capture(context.ReceiveContext.Body.GetBytes(), context.MessageId, time.GetUtcNow(), delivery?.Properties.UserId ?? "");
        return appender.AppendAsync(delivery?.ConsumerTag ?? "", delivery?.DeliveryTag ?? 0, captured, context.CancellationToken);
    }
}

public sealed class AuditLogConsumerDefinition : ConsumerDefinition<AuditLogConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AuditLogConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        // Two passes in flight (the next gathers while one is written), and never more unacknowledged: what the broker
        // delivers again after a restart, in reverse at worst, is at most what a channel's first pass takes.
        endpointConfigurator.ConcurrentMessageLimit = DeliveryOrderAppender.FirstPassLimit;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = DeliveryOrderAppender.FirstPassLimit;
            // One instance reads the log's queue at a time (another takes over when its connection goes), so several
            // instances of the audit service keep appending each producer's events in the order they were published.
            rabbit.SingleActiveConsumer = true;
        }
    }
}
