using System.ComponentModel.DataAnnotations;

namespace Platform.Web.Hosting;

/// <summary>Base URLs of the services whose APIs the pages call (configuration section <c>Services</c>).</summary>
public sealed class ServicesOptions
{
    public const string Section = "Services";

    [Required]
    public Uri? Declarations { get; set; }

    [Required]
    public Uri? Rules { get; set; }

    [Required]
    public Uri? Review { get; set; }

    [Required]
    public Uri? Allocations { get; set; }

    [Required]
    public Uri? Audit { get; set; }
}
