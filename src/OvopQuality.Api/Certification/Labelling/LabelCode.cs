using System.Security.Cryptography;

namespace OvopQuality.Api.Certification.Labelling;

/// <summary>
/// Label codes: 16 random Crockford base-32 characters (80 bits from a cryptographic generator, so
/// codes can be neither guessed nor enumerated) and a check character (Damm) that catches any one
/// mistyped character and any two swapped neighbours. Read without regard to case, spaces or hyphens,
/// and with Crockford's aliases (O for 0, I and L for 1).
/// </summary>
public static class LabelCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int RandomLength = 16;
    public const int Length = RandomLength + 1;

    public static string NewCode() => NewCodes(1)[0];

    /// <summary>
    /// Many new codes at once, in ordinal order (the order of the label table's key, which takes them
    /// page after page): 80 random bits each from one read of the system's random source, sorted as
    /// numbers, which is their order as text (fixed length, an alphabet in ASCII order). Two equal
    /// draws are drawn again, so a batch never holds one code twice.
    /// </summary>
    public static string[] NewCodes(int count)
    {
        var values = new UInt128[count];
        Span<byte> random = stackalloc byte[16];
        var bytes = new byte[count * 10];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < count; i++)
        {
            values[i] = Read80(bytes.AsSpan(i * 10, 10));
        }

        while (true)
        {
            Array.Sort(values);
            var twice = -1;
            for (var i = 1; i < count && twice < 0; i++)
            {
                twice = values[i] == values[i - 1] ? i : -1;
            }

            if (twice < 0)
            {
                break;
            }

            RandomNumberGenerator.Fill(random[..10]);
            values[twice] = Read80(random[..10]);
        }

        var codes = new string[count];
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < count; i++)
        {
            var value = values[i];
            for (var k = RandomLength - 1; k >= 0; k--)
            {
                chars[k] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }

            chars[RandomLength] = CheckCharacter(chars[..RandomLength]);
            codes[i] = new string(chars);
        }

        return codes;
    }

    private static UInt128 Read80(ReadOnlySpan<byte> ten)
    {
        UInt128 value = 0;
        foreach (var b in ten)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    /// <summary>The canonical form of what a person typed, or null when it cannot be a label code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 40)
        {
            return null;
        }

        Span<char> chars = stackalloc char[Length];
        var count = 0;
        foreach (var c in typed)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var canonical = char.ToUpperInvariant(c) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (count == Length || Alphabet.IndexOf(canonical, StringComparison.Ordinal) < 0)
            {
                return null;
            }

            chars[count++] = canonical;
        }

        return count == Length ? new string(chars) : null;
    }

    public static bool HasValidCheck(string canonical) =>
        canonical.Length == Length && CheckCharacter(canonical.AsSpan(0, RandomLength)) == canonical[RandomLength];

    /// <summary>Groups of four for printing and reading aloud: XXXX-XXXX-XXXX-XXXX-C.</summary>
    public static string Display(string canonical) =>
        string.Join('-', canonical[..4], canonical[4..8], canonical[8..12], canonical[12..16], canonical[16..]);

    /// <summary>
    /// The Damm algorithm over the 32 symbols, with the quasigroup x * y = 2x + y in GF(32): totally
    /// anti-symmetric, so every single substitution and every swap of two neighbours changes the
    /// check (Luhn mod 32 misses the swap of 0 and Z).
    /// </summary>
    private static char CheckCharacter(ReadOnlySpan<char> payload)
    {
        var interim = 0;
        foreach (var c in payload)
        {
            interim = TimesTwo(interim) ^ Alphabet.IndexOf(c, StringComparison.Ordinal);
        }

        return Alphabet[TimesTwo(interim)];
    }

    /// <summary>Multiplication by x in GF(2^5) modulo the primitive polynomial x^5 + x^2 + 1.</summary>
    private static int TimesTwo(int value)
    {
        var shifted = value << 1;
        return (shifted & 0b100000) != 0 ? shifted ^ 0b100101 : shifted;
    }
}
