using System.Runtime.InteropServices;
using System.Text.Json;
using Platform.Audit.Log;

namespace Platform.Audit.Capture;

/// <summary>
/// Reads what the log keeps from a MassTransit envelope, without re-serialising anything: the body is the exact bytes
/// of the envelope's <c>message</c> part. A field the message lacks is kept empty rather than refused — verification
/// then reports it — so a malformed event is still on the record.
/// </summary>
public static class Envelope
{
    /// <param name="publisher">The AMQP user_id RabbitMQ validated against the publishing connection; '' when none.</param>
    public static CapturedEvent Capture(ReadOnlyMemory<byte> envelope, Guid? messageId, DateTimeOffset receivedAt, string publisher = "")
    {
        using var document = JsonDocument.Parse(envelope);
        var root = document.RootElement;
        var id = messageId
            ?? (root.TryGetProperty("messageId", out var idElement) && idElement.TryGetGuid(out var parsed) ? parsed : throw new JsonException("The envelope has no message id."));
        var type = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0
            ? types[0].GetString() ?? ""
            : "";
        if (!root.TryGetProperty("message", out var message))
        {
            throw new JsonException("The envelope has no message.");
        }

        var body = JsonMarshal.GetRawUtf8Value(message).ToArray();
        return new CapturedEvent(
            id,
            type,
            Text(message, "producer"),
            Number(message, "producerSequence"),
            Instant(message, "occurredAt") ?? receivedAt,
            receivedAt,
            Text(message, "recipientId"),
            body,
            publisher);
    }

    private static string Text(JsonElement message, string name) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    private static long Number(JsonElement message, string name) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var value) && value.TryGetInt64(out var number)
            ? number
            : 0;

    private static DateTimeOffset? Instant(JsonElement message, string name) =>
        message.ValueKind == JsonValueKind.Object && message.TryGetProperty(name, out var value) && value.TryGetDateTimeOffset(out var instant)
            ? instant
            : null;
}
