namespace Platform.Contracts.Review;

/// <summary>
/// The recipient said they meet their obligations again (or a counsellor recorded that they said so). It asks for a
/// decision; by itself it changes no allocation.
/// </summary>
/// <param name="StatedBy">The recipient's id, or the counsellor who recorded it.</param>
public sealed record ObligationsMetStated(
    Guid StatementId, string RecipientId, string StatedBy, string Text, DateTimeOffset StatedAt) : PlatformEvent;

/// <summary>
/// A person decided to end a suspension before its term because the recipient meets their obligations again
/// (CASF L262-37 I), signed by the review service (ECDSA P-256 over <see cref="SuspensionEndedSignature.Payload"/>).
/// One person suffices: the decision is in the recipient's favour. The allocations service lifts the suspension from
/// <paramref name="FromMonth"/> and pays back what was withheld, within the limit the law sets, only after checking
/// the publisher, the key, the signature, that it is new and that it is within the suspension.
/// </summary>
/// <param name="SanctionDecisionId">The signed <see cref="SanctionDecided"/> whose suspension ends.</param>
/// <param name="StatementId">The statement it answers, if any.</param>
public sealed record SuspensionEnded(
    Guid DecisionId,
    Guid SanctionDecisionId,
    string RecipientId,
    string FromMonth,
    string DecidedBy,
    string Reason,
    Guid? StatementId,
    DateTimeOffset DecidedAt,
    string KeyId,
    string Signature) : PlatformEvent;
