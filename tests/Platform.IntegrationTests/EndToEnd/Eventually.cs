namespace Platform.IntegrationTests.EndToEnd;

/// <summary>Polls until an asynchronous outcome (an event crossing the broker) is visible, or fails saying what it waited for.</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(string what, Func<Task<T?>> probe, TimeSpan? timeout = null)
        where T : struct
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await probe();
            if (value is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still waiting for {what}.");
            }

            await Task.Delay(250);
        }
    }
}
