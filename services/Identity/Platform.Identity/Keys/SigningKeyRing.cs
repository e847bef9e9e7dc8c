using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Platform.Identity.Data;
using Platform.Identity.Hosting;

namespace Platform.Identity.Keys;

/// <summary>
/// The provider's signing keys (ECDSA P-256, ES256), kept in its database so tokens outlive a restart. The newest key
/// signs; older ones stay in the JWKS until every token they signed has expired, so a rotation never refuses a token
/// that was valid a moment before. <see cref="RotateAsync"/> adds a key while the provider runs: the services fetch
/// the JWKS again when they meet its <c>kid</c>, nothing restarts.
/// </summary>
public sealed class SigningKeyRing(
    IServiceScopeFactory scopes,
    IOptions<ProviderOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<SigningKeyRing> logger)
{
    private readonly Lock gate = new();
    private List<SigningCredentials> loaded = [];

    /// <summary>Newest first.</summary>
    public IReadOnlyList<SigningCredentials> Credentials
    {
        get
        {
            lock (gate)
            {
                return [.. loaded];
            }
        }
    }

    /// <summary>Loads the keys still needed and makes a new one when the newest is due for rotation. Runs before the provider serves.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = time.GetUtcNow();
        var oldest = now - options.Value.SigningKeyRotation - MaxTokenLifetime;
        var stored = await database.SigningKeys.Where(key => key.CreatedAt >= oldest)
            .OrderByDescending(key => key.CreatedAt).ToListAsync(cancellationToken);
        if (stored.Count == 0 || stored[0].CreatedAt < now - options.Value.SigningKeyRotation)
        {
            var fresh = NewKey(now);
            database.SigningKeys.Add(fresh);
            await database.SaveChangesAsync(cancellationToken);
            stored.Insert(0, fresh);
            logger.LogInformation("New signing key {KeyId}", fresh.KeyId);
        }

        lock (gate)
        {
            loaded = stored.Select(Credential).ToList();
        }
    }

    /// <summary>Makes a new signing key, stores it and signs with it from now on; the previous keys stay published.</summary>
    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        var fresh = NewKey(time.GetUtcNow());
        await using (var scope = scopes.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            database.SigningKeys.Add(fresh);
            await database.SaveChangesAsync(cancellationToken);
        }

        var credential = Credential(fresh);
        lock (gate)
        {
            loaded.Insert(0, credential);
            // OpenIddict signs with the first credential of its options and publishes them all in the JWKS.
            services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials.Insert(0, credential);
        }

        logger.LogInformation("Signing key rotated: {KeyId} signs from now on", fresh.KeyId);
        return fresh.KeyId;
    }

    private TimeSpan MaxTokenLifetime => options.Value.AccessTokenLifetime > options.Value.IdentityTokenLifetime
        ? options.Value.AccessTokenLifetime
        : options.Value.IdentityTokenLifetime;

    private static StoredSigningKey NewKey(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new StoredSigningKey
        {
            KeyId = $"{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
            PrivateKey = key.ExportPkcs8PrivateKey(),
            CreatedAt = now,
        };
    }

    private static SigningCredentials Credential(StoredSigningKey stored)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(stored.PrivateKey, out _);
        return new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = stored.KeyId }, SecurityAlgorithms.EcdsaSha256);
    }
}

/// <summary>Hands the key ring's credentials to OpenIddict when its options are first built.</summary>
internal sealed class SigningKeyOptions(SigningKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        foreach (var credential in ring.Credentials)
        {
            options.SigningCredentials.Add(credential);
        }
    }
}
