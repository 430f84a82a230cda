namespace OvopQuality.Api.Infrastructure;

/// <summary>A text in the programme's three languages: Tajik (Cyrillic), Russian and English.</summary>
public sealed record LocalizedText(string Tg, string Ru, string En)
{
    public Validation Check(Validation validation, string field, int maxLength = 300) =>
        validation.Text(Tg, field + ".tg", maxLength)
            .Text(Ru, field + ".ru", maxLength)
            .Text(En, field + ".en", maxLength);
}
