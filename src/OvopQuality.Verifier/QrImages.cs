using SkiaSharp;
using ZXing;
using ZXing.Common;

namespace OvopQuality.Verifier;

/// <summary>Reads the text of a QR code from an image file (PNG, JPEG), e.g. a photo of a label.</summary>
public static class QrImages
{
    public static string? Read(string path)
    {
        using var bitmap = SKBitmap.Decode(path);
        if (bitmap is null)
        {
            return null;
        }

        var pixels = new byte[bitmap.Width * bitmap.Height * 3];
        var i = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            pixels[i++] = pixel.Red;
            pixels[i++] = pixel.Green;
            pixels[i++] = pixel.Blue;
        }

        var reader = new BarcodeReaderGeneric { Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        return reader.Decode(new RGBLuminanceSource(pixels, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.RGB24))?.Text;
    }
}
