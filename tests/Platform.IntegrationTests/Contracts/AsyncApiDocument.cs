using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MassTransit;
using Platform.Allocations;
using Platform.Audit;
using Platform.Contracts;
using Platform.Declarations;
using Platform.Review;
using Platform.RuleEngine;
using Platform.ServiceDefaults.Messaging;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// docs/asyncapi.yaml, built from the code rather than written by hand: every <see cref="PlatformEvent"/> of
/// Platform.Contracts with its JSON schema (as the outbox serialises it) and its documentation comments; the exchange
/// MassTransit publishes it to and the queues that consume it, found from each service's consumers and the endpoint
/// names the bus gives them (<see cref="BusSetup"/>); its producer, found in the service that constructs it; and the
/// fields a signature covers, found by changing each field and seeing whether the signed payload changes.
/// </summary>
internal static partial class AsyncApiDocument
{
    /// <summary>The deployable services: name (as in AddPlatformDefaults) and a type of their assembly.</summary>
    private static readonly (string Name, Type Marker)[] Services =
    [
        ("declarations", typeof(DeclarationsService)),
        ("rules", typeof(RulesService)),
        ("review", typeof(ReviewService)),
        ("allocations", typeof(AllocationsService)),
        ("audit", typeof(AuditService)),
    ];

    private const string Description = """
        The events the five services exchange over RabbitMQ: the platform's other public contract, the one the audit log
        keeps and auditors replay. Generated from the C# contracts (shared/Platform.Contracts) and the services'
        consumers; do not edit by hand.

        Transport. MassTransit 8 over RabbitMQ (AMQP 0-9-1). Each event type is published to a fanout exchange named
        after it (`Namespace:Type`), which is bound to the exchanges of its base types (`Platform.Contracts:PlatformEvent`,
        `Platform.Contracts:IPlatformEvent`), with the recipient's id as routing key. The rules, review and allocations
        services read partitions: a consistent-hash exchange `<service>-partitions` (RabbitMQ's
        `rabbitmq_consistent_hash_exchange`), bound to the exchange of every event the service consumes, hashes the
        routing key onto P durable quorum queues `<service>-p<k>` (`RabbitMq:Partitions`, 16 by default), each with a
        single active consumer that takes one message at a time: a recipient's events reach the service through one
        queue, in the order they were published, however many instances run. The audit service consumes
        `Platform.Contracts:IPlatformEvent` through one queue with a single active consumer, so it receives every event,
        present and future, in order. Bodies are MassTransit's JSON envelope (`application/vnd.masstransit+json`), the
        event under `message`, camelCase.

        Guarantees. An event is written to its producer's outbox in the same transaction as the state change it reports,
        and published after that transaction commits, with publisher confirms: no event without its change, no change
        without its event. Each producer numbers its events without gaps (`producer`, `producerSequence`), so a missing
        event is provable; it publishes each recipient's events one after another in that order, and different
        recipients' events concurrently, so consumers see one recipient's events in order but may see two recipients'
        interleaved. Delivery is at least once: the envelope's `messageId` is the event's `eventId`, and every consumer
        records it in an inbox row in the same transaction as its effect, so a redelivery has no second effect. A message
        that keeps failing is retried (200 ms, 1 s, 5 s) then moved to the queue's `_error` queue, never dropped.
        Contracts change only by addition: a published type is never renamed or moved.
        """;

    public static string Build(string repositoryRoot)
    {
        var events = typeof(PlatformEvent).Assembly.GetExportedTypes()
            .Where(type => type.IsSubclassOf(typeof(PlatformEvent)) && !type.IsAbstract)
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .ToList();
        var docs = Documentation.Load(typeof(PlatformEvent).Assembly);
        var subscriptions = Subscriptions(repositoryRoot);
        var producers = Producers(repositoryRoot, events);
        var signatures = Signatures();

        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject();

        foreach (var type in events)
        {
            var name = type.Name;
            var exchange = ExchangeOf(type);
            var queues = subscriptions.Where(subscription => subscription.Messages.Any(message => message.IsAssignableFrom(type)))
                .Select(subscription => subscription.Queue).Order(StringComparer.Ordinal).ToList();
            schemas[name] = SchemaOf(type, docs);

            var message = new JsonObject
            {
                ["name"] = name,
                ["title"] = Title(name),
                ["summary"] = docs.Summary(type) ?? name,
                ["contentType"] = "application/vnd.masstransit+json",
                ["payload"] = Envelope(exchange, name),
                ["x-producer"] = producers[type],
            };
            if (signatures.TryGetValue(type, out var signature))
            {
                var signed = signature.Fields;
                message["x-signed-fields"] = new JsonArray(signed.Select(field => (JsonNode)field).ToArray());
                var unsigned = type.GetProperties().Where(property => property.CanWrite).OrderBy(property => property.MetadataToken)
                    .Select(property => ContractJson.Options.PropertyNamingPolicy!.ConvertName(property.Name))
                    .Where(field => !signed.Contains(field)).Select(field => $"`{field}`");
                message["description"] = $"Signed by {producers[type]}: ECDSA P-256 / SHA-256 (IEEE P1363, base64 in `signature`) over " +
                    $"the {signed.Count} fields of `x-signed-fields`, one per line in a fixed order, with the key named in `keyId` " +
                    $"({signature.Signer} in Platform.Contracts). Consumers verify before any effect. Not signed: " +
                    $"{string.Join(", ", unsigned)}.";
            }

            messages[name] = message;

            channels[name] = new JsonObject
            {
                ["address"] = exchange,
                ["title"] = $"{name} exchange",
                ["description"] = $"Published by {producers[type]}. Consumed from " +
                    (queues.Count == 0 ? "no queue yet (the audit log aside)." : string.Join(", ", queues.Select(queue => $"`{queue}`")) + "."),
                ["messages"] = new JsonObject { [name] = Ref($"#/components/messages/{name}") },
                ["bindings"] = ExchangeBinding(exchange),
            };
            operations[$"publish{name}"] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = Ref($"#/channels/{name}"),
                ["summary"] = $"{producers[type]} publishes {name} through its outbox, once its change has committed.",
                ["messages"] = new JsonArray(Ref($"#/channels/{name}/messages/{name}")),
            };
        }

        foreach (var subscription in subscriptions.OrderBy(subscription => subscription.Queue, StringComparer.Ordinal))
        {
            var received = events.Where(type => subscription.Messages.Any(message => message.IsAssignableFrom(type))).ToList();
            var channelMessages = new JsonObject();
            foreach (var type in received)
            {
                channelMessages[type.Name] = Ref($"#/components/messages/{type.Name}");
            }

            var bound = subscription.Messages.Contains(typeof(IPlatformEvent))
                ? "`Platform.Contracts:IPlatformEvent` (every event)"
                : string.Join(", ", subscription.Messages.Select(message => $"`{ExchangeOf(message)}`"));
            var channel = new JsonObject
            {
                ["address"] = subscription.Queue,
                ["title"] = subscription.Partitioned ? $"{subscription.Service} partition queues" : $"{subscription.Queue} queue",
                ["description"] = subscription.Partitioned
                    ? $"The {subscription.Service} service's P durable quorum queues, each with a single active consumer taking one message at a time, " +
                      $"fed by the consistent-hash exchange `{subscription.Service}-partitions`, which is bound to {bound}. Consumers: {subscription.Consumers}."
                    : $"Durable quorum queue of the {subscription.Service} service's {subscription.Consumers}, " +
                      $"bound (through the exchange of the same name) to {bound}.",
                ["messages"] = channelMessages,
                ["bindings"] = QueueBinding(subscription.Queue),
            };
            if (subscription.Partitioned)
            {
                channel["parameters"] = new JsonObject
                {
                    ["partition"] = new JsonObject
                    {
                        ["description"] = "0 to P − 1 (`RabbitMq:Partitions`, 16 by default): the consistent-hash exchange picks it from the routing key, the recipient's id.",
                    },
                };
            }

            channels[subscription.Channel] = channel;
            operations[OperationName(subscription)] = new JsonObject
            {
                ["action"] = "receive",
                ["channel"] = Ref($"#/channels/{subscription.Channel}"),
                ["summary"] = $"The {subscription.Service} service consumes {(received.Count == 1 ? received[0].Name : subscription.Partitioned ? "these events" : "every event")}, once per eventId (inbox).",
                ["messages"] = new JsonArray(received.Select(type => (JsonNode)Ref($"#/channels/{subscription.Channel}/messages/{type.Name}")).ToArray()),
            };
        }

        var document = new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "XP RSA — events",
                ["version"] = "1.0.0",
                ["description"] = Description.ReplaceLineEndings("\n"),
            },
            ["defaultContentType"] = "application/vnd.masstransit+json",
            ["servers"] = new JsonObject
            {
                ["rabbitmq"] = new JsonObject
                {
                    ["host"] = "rabbitmq:5672",
                    ["protocol"] = "amqp",
                    ["protocolVersion"] = "0.9.1",
                    ["description"] = "Each service connects with its own user; only the review user may write to the exchanges that reach the allocations service's SanctionDecided queue (deploy/rabbitmq/definitions.json).",
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = messages, ["schemas"] = schemas },
        };
        return "# GENERATED from shared/Platform.Contracts and the services' consumers by tests/Platform.IntegrationTests/Contracts/AsyncApiDocument.cs.\n" +
            "# Regenerate: PLATFORM_REGENERATE_DOCS=true dotnet test tests/Platform.IntegrationTests --filter AsyncApiDocumentTests\n" +
            Yaml.Write(document);
    }

    /// <summary>MassTransit's exchange name for a message type: <c>Namespace:Name</c>.</summary>
    private static string ExchangeOf(Type type) => $"{type.Namespace}:{type.Name}";

    private static string Title(string name) => SplitWords().Replace(name, " $1").Trim();

    private static string OperationName(Subscription subscription) =>
        "consume" + string.Concat(subscription.Channel.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    private static JsonObject Ref(string target) => new() { ["$ref"] = target };

    private static JsonObject Envelope(string exchange, string name) => new()
    {
        ["type"] = "object",
        ["description"] = "MassTransit's envelope; the event is under `message`.",
        ["required"] = new JsonArray("messageId", "messageType", "message"),
        ["properties"] = new JsonObject
        {
            ["messageId"] = new JsonObject { ["type"] = "string", ["format"] = "uuid", ["description"] = "The event's eventId: consumers deduplicate on it." },
            ["messageType"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject { ["type"] = "string" },
                ["description"] = $"urn:message:{exchange}, then the urns of its base types.",
            },
            ["sentTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["headers"] = new JsonObject { ["type"] = "object" },
            ["message"] = Ref($"#/components/schemas/{name}"),
        },
    };

    private static JsonObject ExchangeBinding(string exchange) => new()
    {
        ["amqp"] = new JsonObject
        {
            ["is"] = "routingKey",
            ["exchange"] = new JsonObject { ["name"] = exchange, ["type"] = "fanout", ["durable"] = true, ["autoDelete"] = false, ["vhost"] = "/" },
            ["bindingVersion"] = "0.3.0",
        },
    };

    private static JsonObject QueueBinding(string queue) => new()
    {
        ["amqp"] = new JsonObject
        {
            ["is"] = "queue",
            ["queue"] = new JsonObject { ["name"] = queue, ["durable"] = true, ["exclusive"] = false, ["autoDelete"] = false, ["vhost"] = "/" },
            ["bindingVersion"] = "0.3.0",
        },
    };

    private static JsonObject SchemaOf(Type type, Documentation docs)
    {
        var options = new System.Text.Json.JsonSerializerOptions(ContractJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (node is JsonObject schema && context.PropertyInfo?.AttributeProvider is PropertyInfo property
                    && docs.Parameter(property.DeclaringType!, property.Name) is { } description)
                {
                    schema["description"] = description;
                }

                return node;
            },
        };
        var schema = (JsonObject)options.GetJsonSchemaAsNode(type, exporter);
        schema.Remove("$schema");
        if (docs.Summary(type) is { } summary)
        {
            schema["description"] = summary;
        }

        return schema;
    }

    /// <summary>A queue (or, partitioned, the service's partition queues) and the events it receives.</summary>
    private sealed record Subscription(string Service, string Queue, IReadOnlyList<Type> Messages, string Consumers, bool Partitioned)
    {
        /// <summary>The document's key for it (keys may not hold the address's <c>{partition}</c>).</summary>
        public string Channel => Partitioned ? $"{Service}-partitions" : Queue;
    }

    /// <summary>
    /// The queues each service reads, from the consumers its Program.cs registers: the partitioned consumers' events all
    /// reach the service's partition queues; any other consumer has a queue named by the bus's endpoint formatter.
    /// </summary>
    private static List<Subscription> Subscriptions(string repositoryRoot)
    {
        var subscriptions = new List<Subscription>();
        var queueName = typeof(KebabCaseEndpointNameFormatter).GetMethod(nameof(KebabCaseEndpointNameFormatter.Consumer))!;
        foreach (var (service, marker) in Services)
        {
            var program = File.ReadAllText(Path.Combine(ProjectFolder(repositoryRoot, marker), "Program.cs"));
            var registered = ConsumerRegistration().Matches(program)
                .Select(match => (Partitioned: match.Groups["partitioned"].Success, Type: ConsumerNamed(match.Groups["consumer"].Value, marker)))
                .ToList();
            var partitioned = registered.Where(consumer => consumer.Partitioned).Select(consumer => consumer.Type).ToList();
            if (partitioned.Count > 0)
            {
                subscriptions.Add(new Subscription(service, $"{service}-p{{partition}}",
                    partitioned.SelectMany(ConsumedMessages).Distinct().OrderBy(message => message.FullName, StringComparer.Ordinal).ToList(),
                    string.Join(", ", partitioned.Select(consumer => consumer.Name)), true));
            }

            var formatter = new KebabCaseEndpointNameFormatter(service, false);
            foreach (var consumer in registered.Where(consumer => !consumer.Partitioned).Select(consumer => consumer.Type))
            {
                var queue = (string)queueName.MakeGenericMethod(consumer).Invoke(formatter, null)!;
                subscriptions.Add(new Subscription(service, queue, ConsumedMessages(consumer).ToList(), consumer.Name, false));
            }
        }

        return subscriptions;
    }

    /// <summary>The events a consumer takes.</summary>
    private static IEnumerable<Type> ConsumedMessages(Type consumer) =>
        consumer.GetInterfaces()
            .Where(contract => contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(contract => contract.GetGenericArguments()[0]);

    /// <summary>A consumer named in a service's Program.cs: its own, or a shared one of Platform.ServiceDefaults.</summary>
    private static Type ConsumerNamed(string name, Type marker) =>
        marker.Assembly.GetTypes().Concat(typeof(BusSetup).Assembly.GetTypes()).Single(type => type.Name == name && type.IsAssignableTo(typeof(IConsumer)));

    private static string ProjectFolder(string repositoryRoot, Type marker) =>
        Directory.GetDirectories(Path.Combine(repositoryRoot, "services"), Path.GetFileNameWithoutExtension(marker.Assembly.Location), SearchOption.AllDirectories).Single();

    [GeneratedRegex(@"\bAdd(?<partitioned>Partitioned)?Consumer<(?<consumer>\w+)")]
    private static partial Regex ConsumerRegistration();

    /// <summary>The service whose deployable project constructs the event (<c>new Event(</c>).</summary>
    private static Dictionary<Type, string> Producers(string repositoryRoot, IReadOnlyList<Type> events)
    {
        var sources = Services.Select(service =>
        {
            var folder = ProjectFolder(repositoryRoot, service.Marker);
            var text = string.Join('\n', Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .Select(File.ReadAllText));
            return (service.Name, Text: text);
        }).ToList();
        return events.ToDictionary(type => type, type =>
        {
            var producers = sources.Where(source => Regex.IsMatch(source.Text, $@"\bnew\s+{type.Name}\s*\(")).Select(source => source.Name).ToList();
            return producers.Count == 0 ? "no service yet" : string.Join(" and ", producers);
        });
    }

    /// <summary>
    /// For each static <c>Payload(event)</c> of the contracts (the bytes a signature covers): the event's JSON fields
    /// whose change changes the payload.
    /// </summary>
    private static Dictionary<Type, (List<string> Fields, string Signer)> Signatures()
    {
        var signatures = new Dictionary<Type, (List<string> Fields, string Signer)>();
        var payloads = typeof(PlatformEvent).Assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(method => method.Name == "Payload" && method.GetParameters() is [{ ParameterType: var parameter }] && parameter.IsSubclassOf(typeof(PlatformEvent)));
        foreach (var payload in payloads)
        {
            var type = payload.GetParameters()[0].ParameterType;
            var sample = Sample(type, 0);
            var original = (byte[])payload.Invoke(null, [sample])!;
            var signed = new List<string>();
            foreach (var property in type.GetProperties().Where(property => property.CanWrite).OrderBy(property => property.MetadataToken))
            {
                var changed = Sample(type, 0);
                property.SetValue(changed, Value(property.PropertyType, 1, property.Name));
                if (!((byte[])payload.Invoke(null, [changed])!).AsSpan().SequenceEqual(original))
                {
                    signed.Add(ContractJson.Options.PropertyNamingPolicy!.ConvertName(property.Name));
                }
            }

            signatures[type] = (signed, payload.DeclaringType!.Name);
        }

        return signatures;
    }

    private static object Sample(Type type, int variant)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke(constructor.GetParameters().Select(parameter => Value(parameter.ParameterType, variant, parameter.Name!)).ToArray());
    }

    private static object? Value(Type type, int variant, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var seed = name.GetHashCode(StringComparison.Ordinal) & 0xFFFF;
        return underlying switch
        {
            _ when underlying == typeof(string) => $"{name}-{variant}",
            _ when underlying == typeof(Guid) => new Guid(seed + variant, 0, 0, new byte[8]),
            _ when underlying == typeof(int) => 10 + variant,
            _ when underlying == typeof(long) => 10L + variant,
            _ when underlying == typeof(decimal) => 10m + variant,
            _ when underlying == typeof(bool) => variant == 1,
            _ when underlying == typeof(DateTimeOffset) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(seed + variant),
            // A record nested in a contract (e.g. an assessment) is sampled like the contract, so its change counts.
            _ when underlying.Namespace?.StartsWith("Platform.Contracts", StringComparison.Ordinal) == true && underlying.IsClass
                && underlying != typeof(string) && underlying.GetConstructors().Length > 0 => Sample(underlying, variant),
            _ => type.IsValueType ? Activator.CreateInstance(type) : null,
        };
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex SplitWords();

    /// <summary>The contracts' XML documentation comments, as plain text.</summary>
    private sealed class Documentation(XDocument? xml)
    {
        public static Documentation Load(Assembly assembly)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            return new Documentation(File.Exists(path) ? XDocument.Load(path) : null);
        }

        public string? Summary(Type type) => Text(Member($"T:{type.FullName}")?.Element("summary"));

        public string? Parameter(Type type, string name) =>
            Text(Member($"T:{type.FullName}")?.Elements("param").FirstOrDefault(param => (string?)param.Attribute("name") == name));

        private XElement? Member(string id) =>
            xml?.Root?.Element("members")?.Elements("member").FirstOrDefault(member => (string?)member.Attribute("name") == id);

        private static string? Text(XElement? element)
        {
            if (element is null)
            {
                return null;
            }

            var text = new StringBuilder();
            foreach (var node in element.Nodes())
            {
                text.Append(node switch
                {
                    XText plain => plain.Value,
                    XElement { Name.LocalName: "see" or "paramref" or "typeparamref" } reference =>
                        ((string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? "").Split('.', ':').Last(),
                    XElement inner => inner.Value,
                    _ => "",
                });
            }

            return Whitespace().Replace(text.ToString(), " ").Trim();
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>A small YAML writer for JSON nodes: block mappings and sequences, quoted strings, literal blocks for text.</summary>
    private static class Yaml
    {
        public static string Write(JsonNode node)
        {
            var output = new StringBuilder();
            WriteMapping(output, (JsonObject)node, 0);
            return output.ToString();
        }

        private static void WriteMapping(StringBuilder output, JsonObject mapping, int indent)
        {
            foreach (var (key, value) in mapping)
            {
                output.Append(' ', indent).Append(Key(key)).Append(':');
                WriteValue(output, value, indent);
            }
        }

        private static void WriteValue(StringBuilder output, JsonNode? value, int indent)
        {
            switch (value)
            {
                case JsonObject { Count: 0 }:
                    output.Append(" {}\n");
                    break;
                case JsonObject mapping:
                    output.Append('\n');
                    WriteMapping(output, mapping, indent + 2);
                    break;
                case JsonArray { Count: 0 }:
                    output.Append(" []\n");
                    break;
                case JsonArray sequence:
                    output.Append('\n');
                    foreach (var item in sequence)
                    {
                        output.Append(' ', indent + 2).Append('-');
                        if (item is JsonObject { Count: > 0 } itemMapping)
                        {
                            // The first key on the dash's line, the others under it.
                            var inner = new StringBuilder();
                            WriteMapping(inner, itemMapping, indent + 4);
                            output.Append(' ').Append(inner.ToString()[(indent + 4)..]);
                        }
                        else
                        {
                            WriteValue(output, item, indent + 2);
                        }
                    }

                    break;
                default:
                    output.Append(' ').Append(Scalar(value, indent)).Append('\n');
                    break;
            }
        }

        private static string Scalar(JsonNode? value, int indent)
        {
            if (value is null)
            {
                return "null";
            }

            if (value.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                return value.ToJsonString();
            }

            var text = value.GetValue<string>();
            if (text.Contains('\n', StringComparison.Ordinal))
            {
                var pad = new string(' ', indent + 2);
                return "|-\n" + string.Join('\n', text.TrimEnd('\n').Split('\n').Select(line => line.Length == 0 ? "" : pad + line));
            }

            return System.Text.Json.JsonSerializer.Serialize(text, UnescapedJson.Options);
        }

        private static string Key(string key) =>
            PlainKey().IsMatch(key) ? key : System.Text.Json.JsonSerializer.Serialize(key, UnescapedJson.Options);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex PlainKey();

    /// <summary>Accented letters and symbols as themselves in the document.</summary>
    private static class UnescapedJson
    {
        public static readonly System.Text.Json.JsonSerializerOptions Options = new()
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
