using Platform.ServiceDefaults.Problems;

namespace Platform.Web.Api.Rules;

/// <summary>A rule's bilingual explanation (the generated DTO), shown in the person's language.</summary>
public partial class Explanation
{
    public string Current => Localized.Text(Fr, En);
}
