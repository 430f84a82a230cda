namespace OvopQuality.Api.Producers;

/// <summary>
/// The programme's cities (DOMAIN: Bokhtar, Isfara, Khujand, Kulob, Khorog, Panjakent, Istaravshan,
/// Vahdat, Hisor). A producer's address has no city field, only region, district and village, so a
/// city is derived, and only where the address says it: the district or the village is the city's
/// name (each of these cities is also the seat, and the name, of a district or city administration
/// of the same name), in Latin, Tajik or Russian spelling, trimmed and in any case. A producer in a
/// district of another name (Ghafurov, Vose) is in no city here even when it lies near one: the
/// figures count it under its district instead, and under "elsewhere" for cities. The public directory
/// finds a producer by its city's name in any of these spellings.
/// </summary>
public static class Cities
{
    public static readonly IReadOnlyList<string> Names = ["Bokhtar", "Isfara", "Khujand", "Kulob", "Khorog", "Panjakent", "Istaravshan", "Vahdat", "Hisor"];

    private static readonly Dictionary<string, string> Spellings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Bokhtar"] = "Bokhtar", ["Бохтар"] = "Bokhtar", ["Kurgan-Tyube"] = "Bokhtar", ["Курган-Тюбе"] = "Bokhtar", ["Қӯрғонтеппа"] = "Bokhtar",
        ["Isfara"] = "Isfara", ["Исфара"] = "Isfara",
        ["Khujand"] = "Khujand", ["Хуҷанд"] = "Khujand", ["Худжанд"] = "Khujand", ["Khudjand"] = "Khujand",
        ["Kulob"] = "Kulob", ["Kulyab"] = "Kulob", ["Кӯлоб"] = "Kulob", ["Куляб"] = "Kulob",
        ["Khorog"] = "Khorog", ["Khorugh"] = "Khorog", ["Хоруғ"] = "Khorog", ["Хорог"] = "Khorog",
        ["Panjakent"] = "Panjakent", ["Penjikent"] = "Panjakent", ["Panjikent"] = "Panjakent", ["Панҷакент"] = "Panjakent", ["Пенджикент"] = "Panjakent",
        ["Istaravshan"] = "Istaravshan", ["Истаравшан"] = "Istaravshan",
        ["Vahdat"] = "Vahdat", ["Ваҳдат"] = "Vahdat", ["Вахдат"] = "Vahdat",
        ["Hisor"] = "Hisor", ["Hissar"] = "Hisor", ["Ҳисор"] = "Hisor", ["Гиссар"] = "Hisor",
    };

    /// <summary>The city a producer's address names, by its district first, then its village; null when it names none.</summary>
    public static string? Of(string district, string village) => Named(district) ?? Named(village);

    /// <summary>The city a name spells (Latin, Tajik or Russian, trimmed, any case): "Хорог" and "Khorugh" are Khorog; null for any other name.</summary>
    public static string? Named(string name) => Spellings.GetValueOrDefault(name.Trim().Normalize(System.Text.NormalizationForm.FormC));
}
