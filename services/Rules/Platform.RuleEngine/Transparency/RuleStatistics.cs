using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Transparency;

/// <summary>
/// The rule statistics are public and anonymous, and computing them reads every flag and outcome: they are computed at
/// most once per <see cref="RuleStatisticsOptions.CacheDuration"/>, by one request at a time, and every other request
/// in between is answered from that result. A human decision shows in them within that duration.
/// </summary>
public sealed class RuleStatistics(ServiceDatabase database, IOptions<RuleStatisticsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim computing = new(1, 1);
    private volatile Computed? last;

    public async Task<RuleStatisticsView> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        await computing.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } computedMeanwhile)
            {
                return computedMeanwhile;
            }

            var view = await ComputeAsync(cancellationToken);
            last = new Computed(view, Stopwatch.GetTimestamp());
            return view;
        }
        finally
        {
            computing.Release();
        }
    }

    public void Dispose() => computing.Dispose();

    private RuleStatisticsView? Fresh() =>
        last is { } computed && Stopwatch.GetElapsedTime(computed.At) < options.Value.CacheDuration ? computed.View : null;

    private async Task<RuleStatisticsView> ComputeAsync(CancellationToken cancellationToken)
    {
        // Public, national figures, the same for every caller: computed over every département's flags.
        await using var connection = await database.OpenReadAsync(DataScope.Everyone, cancellationToken);
        var months = await connection.QueryAsync<RuleMonthCounts>(new CommandDefinition(
            """
            WITH happened AS (
                SELECT rule_id, raised_at AS at, 'raised' AS kind FROM flags
                UNION ALL
                SELECT rule_id, withdrawn_at, 'withdrawn' FROM flags WHERE withdrawn_at IS NOT NULL
                UNION ALL
                SELECT rule_id, occurred_at, outcome FROM flag_outcomes
            )
            SELECT rule_id,
                   to_char(at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month,
                   count(*) FILTER (WHERE kind = 'raised')    AS raised,
                   count(*) FILTER (WHERE kind = 'withdrawn') AS withdrawn,
                   count(*) FILTER (WHERE kind = 'dismissed') AS dismissed,
                   count(*) FILTER (WHERE kind = 'resolved')  AS resolved,
                   count(*) FILTER (WHERE kind = 'expired')   AS expired,
                   count(*) FILTER (WHERE kind = 'upheld')    AS upheld
              FROM happened
             GROUP BY 1, 2
             ORDER BY 1, 2
            """,
            cancellationToken: cancellationToken));
        return new RuleStatisticsView(months.Select(RuleMonthStatistics.From).ToList());
    }

    private sealed record Computed(RuleStatisticsView View, long At);
}

public sealed class RuleStatisticsOptions
{
    public const string Section = "RuleStatistics";

    /// <summary>How long one computation of the statistics is served before the next request computes them again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}
