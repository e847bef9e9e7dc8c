using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Rules;

/// <summary>
/// The one way rule inputs become facts and facts become inputs again: web defaults (camelCase, as on the bus), and
/// an unknown member in recorded facts is refused rather than silently ignored, so a replay never runs on less than
/// what was recorded.
/// </summary>
public static class RuleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static JsonElement ToFacts(RuleInput input) => JsonSerializer.SerializeToElement(input, Options);

    /// <summary>The rule input recorded in <paramref name="facts"/>, or null when they are not a valid rule input.</summary>
    public static RuleInput? FromFacts(JsonElement facts)
    {
        try
        {
            var input = facts.Deserialize<RuleInput>(Options);
            return input is { Activities: not null, PreviousWeeks: not null }
                && Calendar.IsoWeek.TryParse(input.Week, out _)
                && input.Activities.All(activity => activity is { Category: not null })
                && input.PreviousWeeks.All(week => week is { Week: not null })
                && (input.Absences is null || input.Absences.All(absence => absence is { FromWeek: not null, ToWeek: not null }))
                ? input
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
