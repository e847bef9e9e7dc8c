using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Resilience;

namespace Platform.ServiceDefaults.Messaging;

public static class BusSetup
{
    /// <summary>The exchange type of RabbitMQ's consistent-hash plugin (<c>rabbitmq_consistent_hash_exchange</c>).</summary>
    private const string ConsistentHash = "x-consistent-hash";

    /// <summary>
    /// The MassTransit bus over RabbitMQ, the same way in every service: durable quorum queues named after the
    /// service and the consumer (or its partitions: <see cref="AddPartitionedConsumer{TConsumer}"/>), a few retries,
    /// then the queue's <c>_error</c> queue — never silent loss. Every message carries the broker-validated AMQP
    /// user_id. Also starts the outbox dispatcher.
    /// </summary>
    public static IServiceCollection AddPlatformBus(this IServiceCollection services, Action<IBusRegistrationConfigurator>? addConsumers = null)
    {
        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // AddPlatformDefaults must come first: its migrations have to run before the bus starts consuming.
        var serviceName = services.Select(descriptor => descriptor.ImplementationInstance).OfType<ServiceIdentity>().SingleOrDefault()?.Name
            ?? throw new InvalidOperationException("Call AddPlatformDefaults before AddPlatformBus.");
        services.AddMassTransit(bus =>
        {
            // Queue names such as rules-declaration-submitted: two services consuming one event each get their own copy.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, false));
            // A public service reports nothing to third parties.
            bus.DisableUsageTelemetry();
            // Applied to the endpoints ConfigureEndpoints creates (not to the partitions, which ConfigurePartitions configures).
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                ConfigureQueue(endpoint, rabbit);
                endpoint.ConcurrentMessageLimit = rabbit.ConcurrentMessageLimit;
            });
            addConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                rabbit.Host(options.Host, options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                });
                // Every message carries the AMQP user_id of the connection's user: RabbitMQ refuses a user_id that is not
                // the connection's own, so consumers (the audit log first) know who really published, whatever the body claims.
                var publisher = options.Username;
                rabbit.ConfigureSend(send => send.UseSendExecute(message => StampUserId(message, publisher)));
                rabbit.ConfigurePublish(publish => publish.UseExecute(message => StampUserId(message, publisher)));
                rabbit.ConfigureEndpoints(context);
                ConfigurePartitions(rabbit, context, serviceName, options);
            });
        });

        // Publishing before the consumers' queues are bound would drop messages: start the bus fully first.
        services.Configure<MassTransitHostOptions>(host =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(60);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddSingleton<OutboxPartitions>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddSingleton<OutboxBackPressure>();
        return services;
    }

    /// <summary>
    /// Registers a consumer of recipients' events on the service's partition queues rather than on a queue of its own:
    /// every partitioned consumer of a service reads the same P queues, so one recipient's events of every type reach the
    /// service through one queue, one at a time, in the order they were published.
    /// </summary>
    public static void AddPartitionedConsumer<TConsumer>(this IBusRegistrationConfigurator bus)
        where TConsumer : class, IConsumer
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<TConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddSingleton(new PartitionedConsumer(typeof(TConsumer)));
    }

    private static void ConfigureQueue(IReceiveEndpointConfigurator endpoint, RabbitMqOptions rabbit)
    {
        endpoint.UseMessageRetry(retry => retry.Intervals(200, 1_000, 5_000));
        if (endpoint is IRabbitMqReceiveEndpointConfigurator queue)
        {
            // Every queue is declared as quorum everywhere: a queue declared once classic and once quorum
            // fails with PRECONDITION_FAILED.
            queue.SetQuorumQueue();
            queue.PrefetchCount = rabbit.PrefetchCount;
        }
    }

    /// <summary>
    /// The service's partitions: a consistent-hash exchange <c>&lt;service&gt;-partitions</c>, bound to the exchange of
    /// every event its partitioned consumers take, hashes each event's routing key — the recipient's id, set by the
    /// outbox dispatcher — onto P queues <c>&lt;service&gt;-p&lt;k&gt;</c>. Each queue has a single active consumer (one
    /// instance reads it; another takes over when that one's connection goes) and is consumed one message at a time, so
    /// a recipient's events are processed in the order they were published, however many instances run.
    /// </summary>
    private static void ConfigurePartitions(
        IRabbitMqBusFactoryConfigurator rabbit, IBusRegistrationContext context, string serviceName, RabbitMqOptions options)
    {
        var consumers = context.GetServices<PartitionedConsumer>().Select(consumer => consumer.Type).ToList();
        if (consumers.Count == 0)
        {
            return;
        }

        var eventExchanges = consumers.SelectMany(ConsumedMessageTypes).Distinct().Select(ExchangeOf).Order(StringComparer.Ordinal).ToList();
        for (var partition = 0; partition < options.Partitions; partition++)
        {
            rabbit.ReceiveEndpoint($"{serviceName}-p{partition}", endpoint =>
            {
                ConfigureQueue(endpoint, options);
                endpoint.SingleActiveConsumer = true;
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.ConfigureConsumeTopology = false;
                endpoint.Bind($"{serviceName}-partitions", partitions =>
                {
                    partitions.ExchangeType = ConsistentHash;
                    // The binding key of a consistent-hash exchange is the queue's weight on the ring: all equal.
                    partitions.RoutingKey = "1";
                    foreach (var exchange in eventExchanges)
                    {
                        // A nested exchange takes its parent's type unless told: the event exchanges are MassTransit's fanouts.
                        partitions.Bind(exchange, events => { events.ExchangeType = "fanout"; events.RoutingKey = ""; });
                    }
                });
                foreach (var consumer in consumers)
                {
                    endpoint.ConfigureConsumer(context, consumer);
                }
            });
        }
    }

    private static IEnumerable<Type> ConsumedMessageTypes(Type consumer) =>
        consumer.GetInterfaces()
            .Where(contract => contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(contract => contract.GetGenericArguments()[0]);

    /// <summary>MassTransit's exchange for a message type (its default entity name, which the broker permissions name too).</summary>
    private static string ExchangeOf(Type message) => $"{message.Namespace}:{message.Name}";

    private sealed record PartitionedConsumer(Type Type);

    private static void StampUserId(SendContext message, string publisher)
    {
        var amqp = message as RabbitMqSendContext;
        if (amqp is not null || message.TryGetPayload(out amqp))
        {
            amqp!.BasicProperties.UserId = publisher;
        }
    }
}
