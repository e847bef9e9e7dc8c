using System.Globalization;
using PdfSharp.Pdf;
using Platform.Review.Domain;

namespace Platform.Review.Letters;

/// <summary>A decision letter as a PDF for the post and the e-mail (PDFsharp 6, fonts embedded).</summary>
internal static class DecisionLetterPdf
{
    public static byte[] Render(DecisionLetter letter, LetterSource source, LetterOptions options)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        Platform.Review.Notices.NoticeFonts.Install();
        var fr = letter.Language == "fr";
        using var document = new PdfDocument();
        document.Info.Title = letter.Title;
        document.Info.Subject = fr ? "Décision relative à votre RSA" : "Decision about your RSA";
        var writer = new LetterWriter(document);

        writer.Line(fr ? $"Département de {options.DepartementName} — service RSA" : $"Département of {options.DepartementName} — RSA service", 9, bold: false);
        writer.Line((fr ? "Allocataire : " : "Recipient: ") + source.Letter.RecipientId, 9, bold: false);
        writer.Line((fr ? "Référence de la lettre : " : "Letter reference: ") + source.Letter.LetterId.ToString("D"), 9, bold: false);
        writer.Line((fr ? "Date : " : "Date: ") + source.Letter.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 9, bold: false);
        writer.TitleAndSections(letter.Title, letter.Sections);

        writer.Dispose();
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }
}
