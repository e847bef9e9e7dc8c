using System.ComponentModel.DataAnnotations;

namespace Platform.Audit.Checkpoints;

/// <summary>Configuration <c>Audit:Checkpoints</c>: when and with which key the audit service signs checkpoints of its log.</summary>
public sealed class CheckpointOptions
{
    public const string Section = "Audit:Checkpoints";

    /// <summary>A checkpoint at least every this many entries...</summary>
    [Range(1, 100_000_000)]
    public int Every { get; set; } = 10_000;

    /// <summary>...and, when the log moved, at least this often.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The audit service's own ECDSA P-256 private key (PKCS#8 PEM). Never the review service's.</summary>
    public string SigningKey { get; set; } = "";

    public string KeyId { get; set; } = "";
}
