using System.Diagnostics;
using System.Text.Json;
using Platform.Contracts.Declarations;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Platform.Benchmarks;

/// <summary>
/// The limit the platform's messaging cannot beat: raw RabbitMQ.Client publishing persistent messages the size of a
/// DeclarationSubmitted envelope to a quorum queue with publisher confirms (128 in flight), consumed with manual acks
/// (prefetch 200) on the same broker, in the same run.
/// </summary>
internal static class BrokerBaseline
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] MessageTypes =
    [
        "urn:message:Platform.Contracts.Declarations:DeclarationSubmitted",
        "urn:message:Platform.Contracts:PlatformEvent",
        "urn:message:Platform.Contracts:IPlatformEvent",
    ];

    public sealed record Result(int Messages, int MessageBytes, double PublishedPerSecond, double RoundTripPerSecond);

    public static async Task<Result> RunAsync(Uri amqp, int messages)
    {
        var body = SampleEnvelope();
        var queue = $"bench-baseline-{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = amqp };
        await using var publishConnection = await factory.CreateConnectionAsync("bench-publisher");
        await using var consumeConnection = await factory.CreateConnectionAsync("bench-consumer");
        await using var publisher = await publishConnection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await using var consumer = await consumeConnection.CreateChannelAsync();
        await publisher.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await consumer.BasicQosAsync(0, 200, false);

        var consumed = 0;
        var allConsumed = new TaskCompletionSource();
        var handler = new AsyncEventingBasicConsumer(consumer);
        handler.ReceivedAsync += async (_, delivery) =>
        {
            await consumer.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            if (Interlocked.Increment(ref consumed) == messages)
            {
                allConsumed.TrySetResult();
            }
        };
        await consumer.BasicConsumeAsync(queue, autoAck: false, handler);

        var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
        using var inFlight = new SemaphoreSlim(128);
        var clock = Stopwatch.StartNew();
        var publishes = new List<Task>(messages);
        for (var i = 0; i < messages; i++)
        {
            await inFlight.WaitAsync();
            publishes.Add(PublishAsync());
        }

        await Task.WhenAll(publishes);
        var published = clock.Elapsed;
        await allConsumed.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var roundTrip = clock.Elapsed;
        await publisher.QueueDeleteAsync(queue);
        return new Result(messages, body.Length, messages / published.TotalSeconds, messages / roundTrip.TotalSeconds);

        async Task PublishAsync()
        {
            try
            {
                // With confirmation tracking on, this completes when the broker has confirmed the message.
                await publisher.BasicPublishAsync("", queue, mandatory: false, properties, body);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    /// <summary>A MassTransit envelope around a five-activity DeclarationSubmitted, as the platform sends it.</summary>
    private static byte[] SampleEnvelope()
    {
        var activities = Enumerable.Range(0, 5)
            .Select(day => new DeclaredActivity("job-search", new DateOnly(2026, 11, 23).AddDays(day), 3, "Candidatures envoyées"))
            .ToList();
        var message = new DeclarationSubmitted("B-000001", "2026-W48", 1, activities, 15, false, DateTimeOffset.UtcNow)
        {
            EventId = Guid.NewGuid(), Producer = "declarations", ProducerSequence = 123_456, OccurredAt = DateTimeOffset.UtcNow,
        };
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = message.EventId,
            conversationId = Guid.NewGuid(),
            sourceAddress = "rabbitmq://localhost/bench",
            destinationAddress = "rabbitmq://localhost/Platform.Contracts.Declarations:DeclarationSubmitted",
            messageType = MessageTypes,
            message,
            sentTime = DateTimeOffset.UtcNow,
            headers = new { },
            host = new { machineName = "bench", processName = "bench", frameworkVersion = "10.0", massTransitVersion = "8.5.12" },
        }, Json);
    }
}
