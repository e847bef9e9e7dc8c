using System.Data;
using Dapper;

namespace Platform.ServiceDefaults.Data;

internal static class DapperSetup
{
    private static int configured;

    /// <summary>Snake_case columns map to PascalCase members; timestamptz reads as a UTC <see cref="DateTimeOffset"/>.</summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref configured, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new UtcDateTimeOffsetHandler());
    }

    /// <summary>
    /// Npgsql reads timestamptz as a UTC <see cref="DateTime"/>; records use <see cref="DateTimeOffset"/> (RFC 3339
    /// with an offset in JSON). Written values are made UTC, which timestamptz requires.
    /// </summary>
    private sealed class UtcDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            DateTimeOffset offset => offset,
            _ => throw new DataException($"Cannot read {value.GetType()} as an instant."),
        };
    }
}
