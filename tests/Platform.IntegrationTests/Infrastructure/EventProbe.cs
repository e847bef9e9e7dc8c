using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// A test consumer on the real broker: a private queue bound to the exchange every platform event is published
/// through (<c>Platform.Contracts:IPlatformEvent</c>), so a test sees each event exactly as any service receives it,
/// MassTransit envelope included. It can also publish raw envelopes, as a buggy or hostile service could.
/// </summary>
public sealed class EventProbe : IAsyncDisposable
{
    public const string AllEventsExchange = "Platform.Contracts:IPlatformEvent";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentQueue<ReceivedEvent> received = new();
    private readonly SemaphoreSlim arrived = new(0);
    private readonly IConnection connection;
    private readonly IChannel channel;

    private EventProbe(IConnection connection, IChannel channel, string user)
    {
        this.connection = connection;
        this.channel = channel;
        User = user;
    }

    /// <summary>The broker user the probe connects and publishes as (the AMQP user_id its publishes carry).</summary>
    public string User { get; }

    public IReadOnlyCollection<ReceivedEvent> Received => received;

    public static async Task<EventProbe> StartAsync(Uri amqp, string virtualHost)
    {
        var factory = new ConnectionFactory { Uri = amqp, VirtualHost = virtualHost };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        // Declared as MassTransit declares it, so whoever comes first creates the same exchange.
        await channel.ExchangeDeclareAsync(AllEventsExchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, AllEventsExchange, "");
        var probe = new EventProbe(connection, channel, factory.UserName);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            probe.received.Enqueue(ReceivedEvent.Parse(delivery.Body.Span, delivery.Redelivered) with { UserId = delivery.BasicProperties.UserId });
            probe.arrived.Release();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return probe;
    }

    /// <summary>All events of contract <typeparamref name="T"/> received so far, deserialised.</summary>
    public IReadOnlyList<T> All<T>() =>
        received.Where(e => e.Is<T>()).Select(e => e.Message<T>()).ToList();

    /// <summary>Waits until an event of type <typeparamref name="T"/> matching <paramref name="match"/> has arrived.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = All<T>().FirstOrDefault(message => match?.Invoke(message) ?? true);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"No {typeof(T).Name} arrived. Received: {string.Join(", ", received.Select(e => e.TypeName))}");
            }

            await arrived.WaitAsync(left);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> events of type <typeparamref name="T"/> matching <paramref name="match"/> arrived.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync<T>(int count, Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = All<T>().Where(message => match?.Invoke(message) ?? true).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{found.Count} of {count} {typeof(T).Name} arrived.");
            }

            await arrived.WaitAsync(left);
        }
    }

    /// <summary>Waits <paramref name="quiet"/> and returns how many events of type <typeparamref name="T"/> arrived in all.</summary>
    public async Task<int> CountAfterQuietAsync<T>(TimeSpan quiet, Func<T, bool>? match = null)
    {
        await Task.Delay(quiet);
        return All<T>().Count(message => match?.Invoke(message) ?? true);
    }

    /// <summary>
    /// Publishes <paramref name="message"/> straight onto the exchange of contract <typeparamref name="T"/> in
    /// MassTransit's envelope, with the given message id: what a redelivery, a replay or a hostile publisher sends.
    /// It carries the probe's user as AMQP user_id (as every service publishes), unless <paramref name="withUserId"/> is false.
    /// </summary>
    public async Task PublishRawAsync<T>(T message, Guid messageId, bool withUserId = true)
    {
        var exchange = $"{typeof(T).Namespace}:{typeof(T).Name}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var envelope = new
        {
            messageId,
            messageType = new[] { $"urn:message:{exchange}" },
            message,
            sentTime = DateTime.UtcNow,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(envelope, Json);
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = messageId.ToString(), UserId = withUserId ? User : null,
        };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body);
    }

    /// <summary>Publishes raw bytes (not even a valid envelope) to a contract's exchange.</summary>
    public async Task PublishGarbageAsync<T>(string body)
    {
        var exchange = $"{typeof(T).Namespace}:{typeof(T).Name}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(body));
    }

    public async ValueTask DisposeAsync()
    {
        await channel.CloseAsync();
        await connection.CloseAsync();
        channel.Dispose();
        connection.Dispose();
        arrived.Dispose();
    }
}

/// <summary>One delivery: the MassTransit envelope's message id and types, and the message itself.</summary>
/// <param name="UserId">The AMQP user_id the broker delivered (validated against the publishing connection's user).</param>
public sealed record ReceivedEvent(Guid MessageId, IReadOnlyList<string> MessageTypes, JsonElement Body, bool Redelivered, string? UserId = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string TypeName => (MessageTypes.Count > 0 ? MessageTypes[0] : "?").Split(':')[^1];

    public bool Is<T>() => MessageTypes.Contains($"urn:message:{typeof(T).Namespace}:{typeof(T).Name}");

    public T Message<T>() => Body.Deserialize<T>(Json)!;

    public static ReceivedEvent Parse(ReadOnlySpan<byte> envelope, bool redelivered)
    {
        using var document = JsonDocument.Parse(envelope.ToArray());
        var root = document.RootElement;
        return new ReceivedEvent(
            root.GetProperty("messageId").GetGuid(),
            root.GetProperty("messageType").EnumerateArray().Select(type => type.GetString()!).ToList(),
            root.GetProperty("message").Clone(),
            redelivered);
    }
}
