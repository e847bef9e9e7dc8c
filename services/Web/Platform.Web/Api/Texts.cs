using Platform.ServiceDefaults.Problems;

// The services' bilingual texts, as the generated clients read them, shown in the person's language.

namespace Platform.Web.Api.Review
{
    public partial class TextView
    {
        public string Current => Localized.Text(Fr, En);
    }
}

namespace Platform.Web.Api.Rules
{
    public partial class Explanation
    {
        public string Current => Localized.Text(Fr, En);
    }
}

namespace Platform.Web.Api.Audit
{
    public partial class Explanation
    {
        public string Current => Localized.Text(Fr, En);
    }
}
