namespace Platform.Contracts.Audit;

/// <summary>
/// The audit service signed a checkpoint of its log: position, head hash and every producer's last sequence there,
/// signed with its own ECDSA P-256 key (payload: <c>AuditCheckpoint.Payload</c> in the audit log library). Not an
/// <see cref="IPlatformEvent"/>: it is about the log, not in it. Anyone may keep it outside the platform; a log that no
/// longer extends it was cut or rewritten.
/// </summary>
/// <param name="HeadHash">Lowercase hex. Since the log has one chain per partition: the SHA-256 of every partition's head
/// (number, position, hash; <c>audit-heads/v1</c> in the audit service's HASHING.md), whose list the checkpoints API and
/// the auditors' tool give; for a checkpoint of a one-chain log, the SHA-256 of the entry at <paramref name="Position"/>.</param>
/// <param name="Producers">Each producer's highest sequence number in the log up to <paramref name="Position"/>.</param>
/// <param name="Signature">Base64 of the IEEE P1363 (r‖s) ECDSA signature.</param>
public sealed record AuditCheckpointSigned(
    long Position,
    string HeadHash,
    IReadOnlyDictionary<string, long> Producers,
    DateTimeOffset SignedAt,
    string KeyId,
    string Signature);
