using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.RateLimiting;

/// <summary>The rate limits (section <c>RateLimits</c>); see <see cref="RateLimits"/>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Calls per <see cref="Window"/> by one authenticated caller, on any route of the service.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerCaller { get; set; } = 600;

    /// <summary>Calls per <see cref="Window"/> from one client address without a valid token.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerAddress { get; set; } = 300;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Calls per <see cref="CostlyWindow"/> by one caller to a costly route (simulation, verification, statistics).</summary>
    [Range(1, 1_000_000)]
    public int CostlyPermits { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CostlyWindow { get; set; } = TimeSpan.FromMinutes(1);
}
