using PdfSharp.Fonts;

namespace Assemble.Infrastructure.Receipts;

/// <summary>
/// Gives PDFsharp the one font receipts are set in, whatever family is asked for: IPAex Gothic (IPA Font License,
/// which allows embedding), read from the file <c>Receipts:FontPath</c> names. PDFsharp keeps one resolver per
/// process and wants the same instance on every setting, so there is one.
/// </summary>
public sealed class ReceiptFontResolver : IFontResolver
{
    public const string FaceName = "IPAexGothic";

    public static readonly ReceiptFontResolver Instance = new();

    private static readonly Lock Gate = new();
    private byte[]? font;

    private ReceiptFontResolver() { }

    /// <summary>Loads the font (once per process) and installs the resolver. Throws when the file cannot be read.</summary>
    public static void Use(string fontPath)
    {
        lock (Gate)
        {
            Instance.font ??= File.ReadAllBytes(fontPath);
            if (!ReferenceEquals(GlobalFontSettings.FontResolver, Instance)) GlobalFontSettings.FontResolver = Instance;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(FaceName);

    public byte[]? GetFont(string faceName) => font;
}
