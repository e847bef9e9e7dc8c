using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Declarations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;

namespace Platform.Audit.Log;

/// <summary>How the log names contracts: MassTransit's message type URNs, most specific first in each envelope.</summary>
public static class EventTypes
{
    /// <summary>Bodies are read the way they were written: the web defaults (camelCase).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly string EngagementSet = Urn<EngagementSet>();
    public static readonly string DeclarationSubmitted = Urn<DeclarationSubmitted>();
    public static readonly string FlagRaised = Urn<FlagRaised>();
    public static readonly string FlagWithdrawn = Urn<FlagWithdrawn>();
    public static readonly string CaseClaimed = Urn<CaseClaimed>();
    public static readonly string FlagDismissed = Urn<FlagDismissed>();
    public static readonly string FlagResolved = Urn<FlagResolved>();
    public static readonly string FlagExpired = Urn<FlagExpired>();
    public static readonly string SanctionProposed = Urn<SanctionProposed>();
    public static readonly string RecipientNotified = Urn<RecipientNotified>();
    public static readonly string ObservationReceived = Urn<ObservationReceived>();
    public static readonly string SanctionRejected = Urn<SanctionRejected>();
    public static readonly string SanctionDecided = Urn<SanctionDecided>();
    public static readonly string AllocationSet = Urn<AllocationSet>();
    public static readonly string AllocationAdjusted = Urn<AllocationAdjusted>();
    public static readonly string AdjustmentRejected = Urn<AdjustmentRejected>();
    public static readonly string SuspensionLifted = Urn<SuspensionLifted>();

    public static string Urn<T>() => Urn(typeof(T));

    public static string Urn(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return $"urn:message:{type.Namespace}:{type.Name}";
    }

    /// <summary><c>urn:message:Platform.Contracts.Review:SanctionDecided</c> → <c>SanctionDecided</c>.</summary>
    public static string ShortName(string messageType)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        return messageType[(messageType.LastIndexOf(':') + 1)..];
    }

    public static T Read<T>(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return JsonSerializer.Deserialize<T>(entry.Body, Json) ?? throw new JsonException("The body is JSON null.");
    }
}
