using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Platform.Review.Notices;

namespace Platform.Review.Letters;

/// <summary>
/// Writes a letter top to bottom with PDFsharp (A4, embedded fonts), wrapping words to the page's width and starting a new
/// page when one is full: the notice and the decision letters alike.
/// </summary>
internal sealed class LetterWriter(PdfDocument document) : IDisposable
{
    /// <summary>The size of a letter's running text.</summary>
    public const double BodySize = 10;

    private const double Margin = 56;

    private readonly XPdfFontOptions fontOptions = new(PdfFontEncoding.Unicode);
    private PdfPage? page;
    private XGraphics? graphics;
    private double y;

    public void Space(double points) => y += points;

    /// <summary>The letter's title, then each section: its heading in bold, its text paragraph by paragraph.</summary>
    public void TitleAndSections(string title, IEnumerable<NoticeSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        Space(14);
        Paragraph(title, 15, bold: true);
        Space(8);
        foreach (var section in sections)
        {
            Paragraph(section.Heading, 11.5, bold: true);
            Space(2);
            foreach (var paragraph in section.Text.Split('\n'))
            {
                Paragraph(paragraph, BodySize, bold: false);
            }

            Space(8);
        }
    }

    public void Line(string text, double size, bool bold)
    {
        var font = Font(size, bold);
        EnsureRoom(size * 1.4);
        graphics!.DrawString(text, font, XBrushes.Black, new XPoint(Margin, y), XStringFormats.TopLeft);
        y += size * 1.4;
    }

    public void Paragraph(string text, double size, bool bold)
    {
        EnsureRoom(size * 1.4);
        var font = Font(size, bold);
        var width = page!.Width.Point - (2 * Margin);
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(word => Pieces(word, font, width)))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && graphics!.MeasureString(candidate, font).Width > width)
            {
                Line(line, size, bold);
                line = word;
            }
            else
            {
                line = candidate;
            }
        }

        if (line.Length > 0)
        {
            Line(line, size, bold);
        }
    }

    public void Dispose() => graphics?.Dispose();

    /// <summary>A word wider than the line (a link, a signature) cut into pieces that fit.</summary>
    private IEnumerable<string> Pieces(string word, XFont font, double width)
    {
        var rest = word;
        while (graphics!.MeasureString(rest, font).Width > width && rest.Length > 1)
        {
            var length = rest.Length - 1;
            while (length > 1 && graphics.MeasureString(rest[..length], font).Width > width)
            {
                length--;
            }

            yield return rest[..length];
            rest = rest[length..];
        }

        yield return rest;
    }

    private XFont Font(double size, bool bold) => new(NoticeFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, fontOptions);

    private void EnsureRoom(double height)
    {
        if (page is not null && y + height <= page.Height.Point - Margin)
        {
            return;
        }

        graphics?.Dispose();
        page = document.AddPage();
        page.Size = PageSize.A4;
        graphics = XGraphics.FromPdfPage(page);
        y = Margin;
    }
}
