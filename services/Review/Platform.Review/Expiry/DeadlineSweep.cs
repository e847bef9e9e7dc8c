using Microsoft.Extensions.Options;

namespace Platform.Review.Expiry;

/// <summary>
/// What every deadline of the review does when it passes: at <c>Review:ExpirySweepInterval</c> on the injected clock,
/// batches of what fell due are handled, one transaction each, until a batch comes back short. A database failure is
/// logged and the next interval tries again; nothing is skipped, since what is still due is found again.
/// </summary>
public abstract class DeadlineSweep(TimeProvider time, IOptions<ReviewOptions> options, ILogger logger) : BackgroundService
{
    protected const int BatchSize = 100;

    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    /// <summary>Handles up to <see cref="BatchSize"/> items that fell due, in one transaction; returns how many.</summary>
    protected abstract Task<int> SweepBatchAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, Time);
        try
        {
            do
            {
                try
                {
                    while (await SweepBatchAsync(stoppingToken) == BatchSize)
                    {
                    }
                }
                catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
                {
                    Logger.LogWarning(exception, "{Sweep} failed; it runs again at the next interval", GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
