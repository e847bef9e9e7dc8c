using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Data;

namespace Platform.RuleEngine.Transparency;

/// <summary>
/// The rule statistics are public and anonymous, and computing them reads every flag and outcome: they are computed at
/// most once per <see cref="RuleStatisticsOptions.CacheDuration"/>, by one request at a time, and every other request
/// in between is answered from that result. A human decision shows in them within that duration. One computation
/// counts per rule, month and département; the national figures are their sums and a département's figures their rows,
/// so asking for every département in turn computes nothing more.
/// </summary>
/// <remarks>
/// A flag counts for the département its recipient belonged to when it was raised, and so do its withdrawal and the
/// human outcomes about it (a file transferred afterwards does not move past figures). That département is recorded on
/// the flag when it is raised, from this service's copy of the placements; but the placement (EngagementSet) and the
/// declaration that raises the flag travel on separate queues, so a flag may be raised before its recipient's
/// placement arrives. Such a flag keeps a null département and is counted here, at read time, under the recipient's
/// current placement — the placement that was late, since a transfer needs a placement first. A recipient never placed
/// (engaged before départements existed) is counted nationally only.
/// </remarks>
public sealed class RuleStatistics(ServiceDatabase database, IOptions<RuleStatisticsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim computing = new(1, 1);
    private volatile Computed? last;

    /// <summary>Per rule and month: nationally when <paramref name="departement"/> is null, else that département's.</summary>
    public async Task<RuleStatisticsView> GetAsync(string? departement, CancellationToken cancellationToken)
    {
        return Of(await RowsAsync(cancellationToken), departement);
    }

    /// <summary>
    /// From the counts per rule, month and département (ordered by rule and month): the national figures, every
    /// département's and the unplaced recipients' summed, or one département's rows.
    /// </summary>
    public static RuleStatisticsView Of(IReadOnlyList<RuleMonthCounts> rows, string? departement)
    {
        var months = departement is null
            ? rows.GroupBy(row => (row.RuleId, row.Month)).Select(Sum)
            : rows.Where(row => row.Departement == departement);
        return new RuleStatisticsView(departement, months.Select(RuleMonthStatistics.From).ToList());
    }

    public void Dispose() => computing.Dispose();

    private async Task<IReadOnlyList<RuleMonthCounts>> RowsAsync(CancellationToken cancellationToken)
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

            var rows = await ComputeAsync(cancellationToken);
            last = new Computed(rows, Stopwatch.GetTimestamp());
            return rows;
        }
        finally
        {
            computing.Release();
        }
    }

    private IReadOnlyList<RuleMonthCounts>? Fresh() =>
        last is { } computed && Stopwatch.GetElapsedTime(computed.At) < options.Value.CacheDuration ? computed.Rows : null;

    private static RuleMonthCounts Sum(IGrouping<(string RuleId, string Month), RuleMonthCounts> rows) => new(
        rows.Key.RuleId, rows.Key.Month, null,
        rows.Sum(row => row.Raised), rows.Sum(row => row.Withdrawn), rows.Sum(row => row.Dismissed),
        rows.Sum(row => row.Resolved), rows.Sum(row => row.Expired), rows.Sum(row => row.Upheld));

    private async Task<IReadOnlyList<RuleMonthCounts>> ComputeAsync(CancellationToken cancellationToken)
    {
        // Public figures, the same for every caller: computed over every département's flags.
        await using var connection = await database.OpenReadAsync(DataScope.Everyone, cancellationToken);
        var rows = await connection.QueryAsync<RuleMonthCounts>(new CommandDefinition(
            """
            WITH placed AS (
                SELECT f.flag_id, f.rule_id, f.raised_at, f.withdrawn_at, COALESCE(f.departement, p.departement) AS departement
                  FROM flags f LEFT JOIN recipient_departements p ON p.recipient_id = f.recipient_id
            ),
            happened AS (
                SELECT rule_id, departement, raised_at AS at, 'raised' AS kind FROM placed
                UNION ALL
                SELECT rule_id, departement, withdrawn_at, 'withdrawn' FROM placed WHERE withdrawn_at IS NOT NULL
                UNION ALL
                SELECT o.rule_id, placed.departement, o.occurred_at, o.outcome
                  FROM flag_outcomes o LEFT JOIN placed ON placed.flag_id = o.flag_id
            )
            SELECT rule_id,
                   to_char(at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month,
                   departement,
                   count(*) FILTER (WHERE kind = 'raised')    AS raised,
                   count(*) FILTER (WHERE kind = 'withdrawn') AS withdrawn,
                   count(*) FILTER (WHERE kind = 'dismissed') AS dismissed,
                   count(*) FILTER (WHERE kind = 'resolved')  AS resolved,
                   count(*) FILTER (WHERE kind = 'expired')   AS expired,
                   count(*) FILTER (WHERE kind = 'upheld')    AS upheld
              FROM happened
             GROUP BY 1, 2, 3
             ORDER BY 1, 2, 3
            """,
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    private sealed record Computed(IReadOnlyList<RuleMonthCounts> Rows, long At);
}

public sealed class RuleStatisticsOptions
{
    public const string Section = "RuleStatistics";

    /// <summary>How long one computation of the statistics is served before the next request computes them again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}
