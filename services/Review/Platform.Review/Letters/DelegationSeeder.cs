using Microsoft.Extensions.Options;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Letters;

/// <summary>
/// Records at start the delegations given in configuration (<c>Letters:Delegations</c>) that are not recorded yet: the
/// development accounts and the test platforms get theirs this way. Runs after the migrations (registered after them).
/// </summary>
internal sealed class DelegationSeeder(ServiceDatabase database, IOptions<LetterOptions> options, TimeProvider time, ILogger<DelegationSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Delegations.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        await using var work = await database.BeginAsync(cancellationToken);
        var added = 0;
        foreach (var seeded in options.Value.Delegations)
        {
            var departement = string.IsNullOrWhiteSpace(seeded.Departement) ? options.Value.Departement : seeded.Departement.Trim();
            if (await DelegationStore.InsertAsync(work, new Delegation(
                    Guid.CreateVersion7(now), seeded.Agent.Trim(), seeded.Name.Trim(), seeded.Role.Trim(), departement, seeded.Reference.Trim(), seeded.From,
                    seeded.Until, "configuration", now)))
            {
                added++;
            }
        }

        await work.CommitAsync(cancellationToken);
        logger.LogInformation("{Count} delegation(s) recorded from configuration", added);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
