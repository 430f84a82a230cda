using System.Text;

namespace OvopQuality.Api.Labels.Page;

/// <summary>Tajik and Russian Cyrillic in Latin letters, so a buyer abroad can read and compare names.</summary>
public static class Transliteration
{
    private static readonly Dictionary<char, string> Letters = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['ғ'] = "gh", ['д'] = "d", ['е'] = "e", ['ё'] = "yo", ['ж'] = "zh",
        ['з'] = "z", ['и'] = "i", ['ӣ'] = "i", ['й'] = "y", ['к'] = "k", ['қ'] = "q", ['л'] = "l", ['м'] = "m", ['н'] = "n",
        ['о'] = "o", ['п'] = "p", ['р'] = "r", ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ӯ'] = "u", ['ф'] = "f", ['х'] = "kh",
        ['ҳ'] = "h", ['ц'] = "ts", ['ч'] = "ch", ['ҷ'] = "j", ['ш'] = "sh", ['щ'] = "shch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "",
        ['э'] = "e", ['ю'] = "yu", ['я'] = "ya",
    };

    public static string ToLatin(string text)
    {
        var latin = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            var lower = char.ToLowerInvariant(c);
            if (Letters.TryGetValue(lower, out var mapped))
            {
                latin.Append(char.IsUpper(c) && mapped.Length > 0 ? char.ToUpperInvariant(mapped[0]) + mapped[1..] : mapped);
            }
            else
            {
                latin.Append(c switch { '«' or '»' => '"', _ => c });
            }
        }

        return latin.ToString();
    }
}
