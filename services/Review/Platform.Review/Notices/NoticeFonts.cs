using PdfSharp.Fonts;

namespace Platform.Review.Notices;

/// <summary>
/// PDFsharp 6 finds no system font on Linux: the letters use DejaVu Sans, embedded in this assembly (its free licence
/// beside it, in <c>Notices/Fonts/LICENSE</c>) and embedded in every PDF, so a letter reads the same everywhere.
/// </summary>
internal sealed class NoticeFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";
    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>Installs the resolver once per process (PDFsharp keeps it globally).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!installed)
            {
                GlobalFontSettings.FontResolver = new NoticeFonts();
                installed = true;
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, false, italic);

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(NoticeFonts).Assembly.GetManifestResourceStream($"Platform.Review.Notices.Fonts.{faceName}.ttf")
            ?? throw new InvalidOperationException($"The font '{faceName}' is not embedded in the review service.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
