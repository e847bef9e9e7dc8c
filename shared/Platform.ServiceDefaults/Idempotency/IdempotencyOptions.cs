using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Idempotency;

public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a request waits for a concurrent one with the same key to finish before answering 409.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan WaitForConcurrent { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A claim still unanswered after this long was left by an instance that died mid-request: it may be taken over.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(2);
}
