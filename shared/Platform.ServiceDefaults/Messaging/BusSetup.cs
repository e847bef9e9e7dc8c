using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Resilience;

namespace Platform.ServiceDefaults.Messaging;

public static class BusSetup
{
    /// <summary>
    /// The MassTransit bus over RabbitMQ, the same way in every service: durable quorum queues named after the
    /// service and the consumer, a few retries, then the
    /// queue's <c>_error</c> queue — never silent loss. Every message carries the broker-validated AMQP user_id. Also starts
    /// the outbox dispatcher.
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
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                endpoint.UseMessageRetry(retry => retry.Intervals(200, 1_000, 5_000));
                endpoint.ConcurrentMessageLimit = rabbit.ConcurrentMessageLimit;
                if (endpoint is IRabbitMqReceiveEndpointConfigurator queue)
                {
                    // Every queue is declared as quorum everywhere: a queue declared once classic and once quorum
                    // fails with PRECONDITION_FAILED.
                    queue.SetQuorumQueue();
                    queue.PrefetchCount = rabbit.PrefetchCount;
                }
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

    private static void StampUserId(SendContext message, string publisher)
    {
        var amqp = message as RabbitMqSendContext;
        if (amqp is not null || message.TryGetPayload(out amqp))
        {
            amqp!.BasicProperties.UserId = publisher;
        }
    }
}
