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
    public static readonly string AbsenceDeclared = Urn<AbsenceDeclared>();
    public static readonly string AbsenceDecided = Urn<AbsenceDecided>();
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
    public static readonly string HearingRequested = Urn<HearingRequested>();
    public static readonly string HearingScheduled = Urn<HearingScheduled>();
    public static readonly string HearingHeld = Urn<HearingHeld>();
    public static readonly string NoticeReceived = Urn<NoticeReceived>();
    public static readonly string AppealFiled = Urn<AppealFiled>();
    public static readonly string AppealCommissionOpinionRecorded = Urn<AppealCommissionOpinionRecorded>();
    public static readonly string AppealDecided = Urn<AppealDecided>();
    public static readonly string AppealImplicitlyRejected = Urn<AppealImplicitlyRejected>();
    public static readonly string AppealRepaid = Urn<AppealRepaid>();
    public static readonly string DecisionLetterIssued = Urn<DecisionLetterIssued>();
    public static readonly string SuspensionEnded = Urn<SuspensionEnded>();

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

/// <summary>The contracts whose content verification reads; every other event is checked for chain and sequence only.</summary>
public enum ContentType
{
    Other,
    FlagRaised,
    SanctionDecided,
    RecipientNotified,
    ObservationReceived,
    AllocationAdjusted,
    HearingHeld,
    NoticeReceived,
    HearingRequested,
    SanctionProposed,
    AppealFiled,
    AppealDecided,
    AppealImplicitlyRejected,
    AppealRepaid,
    SanctionRejected,
    DecisionLetterIssued,
    SuspensionEnded,
}

public static class ContentTypes
{
    private static readonly (byte[] Utf8, string Urn, ContentType Type)[] Known =
    [
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.FlagRaised), EventTypes.FlagRaised, ContentType.FlagRaised),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.SanctionDecided), EventTypes.SanctionDecided, ContentType.SanctionDecided),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.RecipientNotified), EventTypes.RecipientNotified, ContentType.RecipientNotified),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.ObservationReceived), EventTypes.ObservationReceived, ContentType.ObservationReceived),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.AllocationAdjusted), EventTypes.AllocationAdjusted, ContentType.AllocationAdjusted),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.HearingHeld), EventTypes.HearingHeld, ContentType.HearingHeld),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.NoticeReceived), EventTypes.NoticeReceived, ContentType.NoticeReceived),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.HearingRequested), EventTypes.HearingRequested, ContentType.HearingRequested),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.SanctionProposed), EventTypes.SanctionProposed, ContentType.SanctionProposed),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.AppealFiled), EventTypes.AppealFiled, ContentType.AppealFiled),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.AppealDecided), EventTypes.AppealDecided, ContentType.AppealDecided),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.AppealImplicitlyRejected), EventTypes.AppealImplicitlyRejected, ContentType.AppealImplicitlyRejected),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.AppealRepaid), EventTypes.AppealRepaid, ContentType.AppealRepaid),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.SanctionRejected), EventTypes.SanctionRejected, ContentType.SanctionRejected),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.DecisionLetterIssued), EventTypes.DecisionLetterIssued, ContentType.DecisionLetterIssued),
        (System.Text.Encoding.UTF8.GetBytes(EventTypes.SuspensionEnded), EventTypes.SuspensionEnded, ContentType.SuspensionEnded),
    ];

    public static ContentType Of(string messageType)
    {
        foreach (var (_, urn, type) in Known)
        {
            if (string.Equals(urn, messageType, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return ContentType.Other;
    }

    /// <summary>The same, from the UTF-8 bytes of the type as stored: no string per entry.</summary>
    public static ContentType Of(ReadOnlySpan<byte> messageType)
    {
        foreach (var (utf8, _, type) in Known)
        {
            if (messageType.SequenceEqual(utf8))
            {
                return type;
            }
        }

        return ContentType.Other;
    }
}
