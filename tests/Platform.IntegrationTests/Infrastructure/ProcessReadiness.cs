using System.Diagnostics;
using System.Net;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>Waits for a process this harness started to answer 200 on one of its routes, or says why it never did.</summary>
internal static class ProcessReadiness
{
    /// <summary>
    /// A loaded two-core machine needed more than 180 s to restart a service (the chaos test restarts several, each while
    /// the others catch up on their queues). A service that never starts still fails the test, only later.
    /// </summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(300);

    /// <param name="name">What the process is, for the error ("rules", "the identity provider").</param>
    /// <param name="logs">Where its output went, for the error.</param>
    public static async Task WaitAsync(Process process, HttpClient http, string route, string name, string logs)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited at start (code {process.ExitCode}); see {logs}.");
            }

            try
            {
                if ((await http.GetAsync(route)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{name} was not ready within {Limit.TotalSeconds:0} s; see {logs}.");
    }
}
