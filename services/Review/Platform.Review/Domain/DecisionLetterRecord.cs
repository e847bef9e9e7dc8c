namespace Platform.Review.Domain;

/// <summary>The kinds of decision letter.</summary>
public static class LetterKind
{
    public const string SanctionApproved = "sanction-approved";
    public const string SanctionRejected = "sanction-rejected";

    /// <summary>A suspension ended early: the letter carries the signed ending and names the sanction it ends.</summary>
    public const string SuspensionEnded = Platform.Contracts.Review.DecisionLetterKind.SuspensionEnded;
}

/// <summary>The channels by which a decision letter's receipt is proven.</summary>
public static class LetterReceiptChannel
{
    public const string Application = "application";
}

/// <summary>
/// A decision letter as issued, in the decision's own transaction: which decision, under which delegation, and for an
/// approval (or an early ending) the signed decision exactly as published (<see cref="SignedDecision"/>, JSON), whose seal the letter prints.
/// Its text is composed from these and the case each time it is read, so every channel says the same.
/// </summary>
public sealed record DecisionLetterRecord(
    Guid LetterId,
    string Kind,
    Guid ProposalId,
    Guid CaseId,
    string RecipientId,
    Guid DelegationId,
    Guid? DecisionId,
    string? KeyId,
    string? Signature,
    string? SignedDecision,
    DateTimeOffset CreatedAt);

/// <summary>Everything a decision letter states: the letter, its decision, its case, its delegation, and what the person said.</summary>
public sealed record LetterSource(
    DecisionLetterRecord Letter,
    Case Case,
    Proposal Proposal,
    Delegation Delegation,
    decimal? MonthlyBaseAmount,
    IReadOnlyList<Observation> Observations,
    Hearing? Hearing,
    IReadOnlyList<LetterReceipt> Receipts)
{
    /// <summary>The first proof of receipt; the two months of the prior appeal run from it.</summary>
    public DateTimeOffset? ReceivedAt => Receipts.Count == 0 ? null : Receipts.Min(receipt => receipt.ReceivedAt);
}

public sealed record LetterReceipt(string Channel, DateTimeOffset ReceivedAt, string RecordedBy, DateTimeOffset RecordedAt);
