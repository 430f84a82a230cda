using SkiaSharp;
using ZXing;
using ZXing.Common;

namespace OvopQuality.Verifier;

/// <summary>
/// Reads the text of a QR code from an image file (PNG, JPEG), e.g. a photo of a label. ZXing's
/// finder-pattern search misses about one dense code in sixty even in a clean image (data regions
/// can look like finder patterns), so a code it misses is read again as a pure image of the code,
/// and then at half the size.
/// </summary>
public static class QrImages
{
    public static string? Read(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        if (bitmap is null)
        {
            return null;
        }

        var source = Luminance(bitmap);
        if ((Decode(source, pure: false) ?? Decode(source, pure: true)) is { } text)
        {
            return text;
        }

        using var half = bitmap.Resize(new SKImageInfo(Math.Max(1, bitmap.Width / 2), Math.Max(1, bitmap.Height / 2)), new SKSamplingOptions(SKFilterMode.Linear));
        return half is null ? null : Decode(Luminance(half), pure: false);
    }

    private static string? Decode(LuminanceSource source, bool pure) =>
        new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true, PureBarcode = pure },
        }.Decode(source)?.Text;

    private static RGBLuminanceSource Luminance(SKBitmap bitmap)
    {
        var pixels = new byte[bitmap.Width * bitmap.Height * 3];
        var i = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            pixels[i++] = pixel.Red;
            pixels[i++] = pixel.Green;
            pixels[i++] = pixel.Blue;
        }

        return new RGBLuminanceSource(pixels, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.RGB24);
    }
}
