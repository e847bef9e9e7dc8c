using Platform.ServiceDefaults.Problems;

namespace Platform.Web.Api.Review;

/// <summary>The review service's bilingual text (the generated DTO), shown in the person's language.</summary>
public partial class TextView
{
    public string Current => Localized.Text(Fr, En);
}
