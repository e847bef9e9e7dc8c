using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// How bearer tokens are trusted. Locally a shared signing key (HS256) mints dev tokens; in production
/// <see cref="Authority"/> names the OpenID Connect provider (FranceConnect, ProConnect) and its keys are used.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>At least 32 bytes. Used only when no <see cref="Authority"/> is set.</summary>
    public string? SigningKey { get; set; }

    public string? Authority { get; set; }
}
