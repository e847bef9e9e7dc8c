using System.Text.Json;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>How contracts are written to the outbox: the web defaults (camelCase), as on the bus.</summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
