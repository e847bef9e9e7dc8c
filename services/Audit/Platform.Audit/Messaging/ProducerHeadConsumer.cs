using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts;

namespace Platform.Audit.Messaging;

/// <summary>
/// Keeps each producer's highest stated head, with the broker user that stated it: verification reports a producer
/// whose stated head is ahead of what the log holds. A statement whose publisher may not speak for the producer is
/// still kept (the publisher is recorded), and verification weighs it like the events it published.
/// </summary>
public sealed class ProducerHeadConsumer(NpgsqlDataSource dataSource) : IConsumer<ProducerHeadStated>
{
    public async Task Consume(ConsumeContext<ProducerHeadStated> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stated = context.Message;
        if (string.IsNullOrEmpty(stated.Producer) || stated.LastSequence <= 0)
        {
            return;
        }

        var publisher = context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) ? rabbit.Properties.UserId ?? "" : "";
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_producer_head (producer, last_sequence, stated_at, publisher)
            VALUES (@Producer, @LastSequence, @StatedAt, @publisher)
            ON CONFLICT (producer) DO UPDATE SET last_sequence = excluded.last_sequence, stated_at = excluded.stated_at, publisher = excluded.publisher,
                                              received_at = now()
            WHERE audit_producer_head.last_sequence < excluded.last_sequence
            """,
            new { stated.Producer, stated.LastSequence, stated.StatedAt, publisher });
    }
}
