using System.Reflection;

namespace Platform.Rules.Tests;

/// <summary>
/// The rules may see the week, the declared activities (category, day, hours) and the engagement's hours, nothing
/// else. Adding a property anywhere in the input's graph fails here until it is consciously allowed — and a field
/// about health, disability, nationality, family, address, income or free text must never be.
/// </summary>
public sealed class RuleInputAllowListTests
{
    private static readonly HashSet<string> Allowed =
    [
        "RuleInput.Week",
        "RuleInput.EngagementHoursPerWeek",
        "RuleInput.Declared",
        "RuleInput.Activities",
        "RuleInput.PreviousWeeks",
        "RuleInput.Absences",
        "AcceptedAbsence.AbsenceId",
        "AcceptedAbsence.FromWeek",
        "AcceptedAbsence.ToWeek",
        "RuleActivity.Category",
        "RuleActivity.Date",
        "RuleActivity.Hours",
        "PreviousWeek.Week",
        "PreviousWeek.Declared",
        "PreviousWeek.TotalHours",
        "PreviousWeek.EngagementHoursPerWeek",
    ];

    [Fact]
    public void RuleInput_HasOnlyAllowListedFields_Recursively()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        Walk(typeof(RuleInput), found, []);

        Assert.Equal(Allowed.Order(StringComparer.Ordinal), found);
    }

    [Fact]
    public void RuleInput_NamesNothingAboutProtectedTraits()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        Walk(typeof(RuleInput), found, []);
        string[] forbidden = ["health", "disab", "nation", "family", "child", "address", "income", "note", "text", "name", "birth", "gender"];

        Assert.DoesNotContain(found, field => forbidden.Any(word => field.Contains(word, StringComparison.OrdinalIgnoreCase)));
    }

    private static void Walk(Type type, SortedSet<string> found, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                     .Where(p => p.Name != "EqualityContract"))
        {
            found.Add($"{type.Name}.{property.Name}");
            foreach (var inner in Inner(property.PropertyType))
            {
                Walk(inner, found, seen);
            }
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                     .Where(f => !f.Name.Contains("k__BackingField", StringComparison.Ordinal)))
        {
            found.Add($"{type.Name}.{field.Name}");
        }
    }

    /// <summary>The project's own types reachable from a property type, through collections and nullables.</summary>
    private static IEnumerable<Type> Inner(Type type)
    {
        if (type.Assembly == typeof(RuleInput).Assembly)
        {
            yield return type;
        }

        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            foreach (var inner in Inner(argument))
            {
                yield return inner;
            }
        }

        if (type.IsArray)
        {
            foreach (var inner in Inner(type.GetElementType()!))
            {
                yield return inner;
            }
        }
    }
}
