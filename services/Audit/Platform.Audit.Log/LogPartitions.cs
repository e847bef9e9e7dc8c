using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Audit.Log;

/// <summary>
/// Which partition of the log an event goes to: its recipient's outbox partition, the first 32 bits of the MD5 of the
/// recipient id (UTF-8) read as an unsigned big-endian number, modulo the number of partitions P. The same as the
/// database's <c>outbox_partition(recipient_id, P)</c>, which <c>audit_append</c> applies; here so that the service can
/// group a batch by partition before appending, and the benchmark generator can chain entries as the database would.
/// </summary>
public static class LogPartitions
{
    public static int Of(string? recipientId, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
#pragma warning disable CA5351 // MD5 spreads recipients over partitions, as the outbox does; it protects nothing.
        var digest = MD5.HashData(Encoding.UTF8.GetBytes(recipientId ?? ""));
#pragma warning restore CA5351
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(digest) % (uint)partitions);
    }
}
