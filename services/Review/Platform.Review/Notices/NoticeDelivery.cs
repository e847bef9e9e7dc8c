using System.Security.Cryptography;
using System.Text;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Notices;

/// <summary>Produces the notice of a proposal in the proposal's own transaction, and queues its e-mail when an address is known.</summary>
internal static class NoticeDelivery
{
    /// <summary>Writes the notice and, when the recipient gave an e-mail address, its e-mail with a single-use link.</summary>
    /// <returns>Whether an e-mail was queued.</returns>
    public static async Task<bool> IssueAsync(ServiceTransaction work, Proposal proposal, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(proposal);
        var notice = Notice.For(proposal, await HouseholdStore.BaseAmountAsync(work, proposal.RecipientId));
        // 256 random bits: unguessable, so the link alone proves that whoever follows it read the e-mail. Only the
        // hash is kept with the notice; the token itself waits in the e-mail outbox and is erased once sent.
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        await NoticeStore.InsertAsync(work, notice, HashOf(token));
        if (await NoticeStore.ContactAsync(work, proposal.RecipientId) is not { } address)
        {
            return false;
        }

        await NoticeStore.QueueEmailAsync(work, notice.NoticeId, address, token, now);
        return true;
    }

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>Whether <paramref name="token"/> has the shape of a link token (43 base64url characters).</summary>
    public static bool IsToken(string? token) =>
        token is { Length: 43 } && token.All(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Wakes the <see cref="NoticeMailer"/> when a notice's e-mail was just queued.</summary>
public sealed class NoticeMailSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake: one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => signal.Dispose();
}
