using Microsoft.EntityFrameworkCore;

namespace Platform.Identity.Data;

/// <summary>OpenIddict's tables (applications, scopes, authorizations, tokens) and the provider's signing keys.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public DbSet<StoredSigningKey> SigningKeys => Set<StoredSigningKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<StoredSigningKey>(key =>
        {
            key.ToTable("signing_keys");
            key.HasKey(k => k.KeyId);
            key.Property(k => k.KeyId).HasColumnName("key_id");
            key.Property(k => k.PrivateKey).HasColumnName("private_key");
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
        });
    }
}

/// <summary>An ECDSA P-256 private key (PKCS #8), named by the <c>kid</c> the JWKS publishes it under.</summary>
public sealed class StoredSigningKey
{
    public required string KeyId { get; set; }

    public required byte[] PrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
