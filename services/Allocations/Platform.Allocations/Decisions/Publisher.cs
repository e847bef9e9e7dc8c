using MassTransit;

namespace Platform.Allocations.Decisions;

internal static class Publisher
{
    /// <summary>The AMQP <c>user_id</c> the message arrived with, which RabbitMQ validated against the publishing connection; null when absent.</summary>
    public static string? ValidatedUserId(ConsumeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && !string.IsNullOrEmpty(rabbit.Properties.UserId)
            ? rabbit.Properties.UserId
            : null;
    }
}
