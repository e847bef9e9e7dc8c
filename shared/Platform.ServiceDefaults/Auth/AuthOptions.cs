using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// How bearer tokens are trusted: those of the OpenID Connect provider at <see cref="Authority"/> (its discovery
/// document names the issuer and the JWKS), for this API's <see cref="Audience"/>. FranceConnect and ProConnect in
/// production; the local provider (services/Identity) on a developer's machine and in the tests.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required]
    public string Authority { get; set; } = "";

    /// <summary>This API's audience: a token for another API is refused.</summary>
    [Required]
    public string Audience { get; set; } = "";

    /// <summary>The expected issuer when it is not the discovery document's (normally left empty).</summary>
    public string? Issuer { get; set; }

    /// <summary>Plain-HTTP discovery is for a local provider on loopback only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerance for clocks that disagree: bounded, so an expired token does not live on.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time between two fetches of the provider's keys: a token signed by a key not seen yet makes the
    /// service fetch the JWKS again, at most this often (a provider's key rotation needs no restart).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The provider's claim names, mapped once to the platform's (<see cref="PlatformClaims"/>).</summary>
    public ProviderClaimNames Claims { get; set; } = new();
}

/// <summary>Which of the provider's claims carry the subject, the role and the départements.</summary>
public sealed class ProviderClaimNames
{
    public string Subject { get; set; } = "sub";

    public string Role { get; set; } = "role";

    public string Departements { get; set; } = "departements";

    /// <summary>
    /// A role given to everyone this provider signs in, when it names none (FranceConnect signs in only
    /// recipients and has no role claim).
    /// </summary>
    public string? FixedRole { get; set; }
}
