
namespace OvopQuality.Api.Producers;

public enum Region
{
    Sughd,
    Khatlon,
    Gbao,
    DistrictsOfRepublicanSubordination,
    Dushanbe,
}

public enum ProductCategory
{
    DriedFruit,
    Honey,
    Textile,
    Embroidery,
    Juice,
    FreshFruit,
    Confectionery,
    Syrup,
    Dairy,
    Silk,
    Other,
}

public sealed record Contact(string Person, string Phone, string? Email = null);

public sealed record Address(Region Region, string District, string Village);

public sealed record ProducerRegistered(
    Guid ProducerId,
    string ProducerNumber,
    LocalizedText LegalName,
    string TaxId,
    Address Address,
    Contact Contact,
    DateTimeOffset RegisteredAt);

/// <summary>A correction of the producer's details; the number and tax id never change.</summary>
public sealed record ProducerDetailsCorrected(
    Guid ProducerId,
    LocalizedText LegalName,
    Address Address,
    Contact Contact,
    string Reason,
    DateTimeOffset CorrectedAt);

/// <summary>The producer agreed that its contact be shown to the public (directory, open data); <c>Evidence</c> names the signed form when staff recorded it.</summary>
public sealed record ContactPublicationAgreed(Guid ProducerId, string? Evidence, DateTimeOffset At);

/// <summary>The producer's contact is no longer shown to the public, from this instant on.</summary>
public sealed record ContactPublicationWithdrawn(Guid ProducerId, DateTimeOffset At);

public sealed record ProductRegistered(
    Guid ProducerId,
    Guid ProductId,
    LocalizedText Name,
    ProductCategory Category,
    string HsCode,
    DateTimeOffset RegisteredAt);

public sealed record Product(Guid Id, LocalizedText Name, ProductCategory Category, string HsCode, DateTimeOffset RegisteredAt);

/// <summary>
/// A producer and its products, as an event-sourced aggregate kept inline as a document so that
/// the tax id can carry a unique index and readers see their own writes.
/// </summary>
public sealed record Producer(
    Guid Id,
    string Number,
    LocalizedText LegalName,
    string TaxId,
    Address Address,
    Contact Contact,
    IReadOnlyList<Product> Products,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastChangedAt)
{
    public long Version { get; set; }

    /// <summary>Whether the producer agreed that its contact be public; false until it does.</summary>
    public bool ContactPublished { get; init; }

    /// <summary>The contact as the public may see it: none unless the producer agreed.</summary>
    public Contact? ContactForPublic() => ContactPublished ? Contact : null;

    public static Producer Create(ProducerRegistered e) =>
        new(e.ProducerId, e.ProducerNumber, e.LegalName, e.TaxId, e.Address, e.Contact, [], e.RegisteredAt, e.RegisteredAt);

    public Producer Apply(ProducerDetailsCorrected e) =>
        this with { LegalName = e.LegalName, Address = e.Address, Contact = e.Contact, LastChangedAt = e.CorrectedAt };

    public Producer Apply(ContactPublicationAgreed e) => this with { ContactPublished = true, LastChangedAt = e.At };

    public Producer Apply(ContactPublicationWithdrawn e) => this with { ContactPublished = false, LastChangedAt = e.At };

    public Producer Apply(ProductRegistered e) =>
        this with
        {
            Products = [.. Products, new Product(e.ProductId, e.Name, e.Category, e.HsCode, e.RegisteredAt)],
            LastChangedAt = e.RegisteredAt,
        };

    public Product? FindProduct(Guid productId) => Products.FirstOrDefault(p => p.Id == productId);
}

internal static class ProducerRules
{
    /// <summary>Unknown, or another producer's: the answer is the same, so that nothing leaks.</summary>
    public static Microsoft.AspNetCore.Mvc.ProblemDetails NotFound(Guid producerId) =>
        Problems.NotFound("producer", $"There is no producer {producerId}.");

    /// <summary>Tajik taxpayer identification numbers (INN) are nine digits.</summary>
    public static bool IsTaxId(string? value) => value is { Length: 9 } && value.All(char.IsAsciiDigit);

    /// <summary>Harmonized System codes: 6 digits internationally, up to 10 in national tariffs.</summary>
    public static bool IsHsCode(string? value) =>
        value is { Length: >= 6 and <= 10 } && value.All(char.IsAsciiDigit);

    public static Validation CheckDetails(Validation v, LocalizedText? legalName, Address? address, Contact? contact)
    {
        v.Require(legalName is not null, "legalName", "is required");
        legalName?.Check(v, "legalName");
        v.Require(address is not null, "address", "is required");
        if (address is not null)
        {
            v.Defined(address.Region, "address.region")
                .Text(address.District, "address.district", 100)
                .Text(address.Village, "address.village", 100);
        }

        v.Require(contact is not null, "contact", "is required");
        if (contact is not null)
        {
            v.Text(contact.Person, "contact.person", 150)
                .Text(contact.Phone, "contact.phone", 30)
                .Require(contact.Phone is null || contact.Phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')'),
                    "contact.phone", "may hold only digits, spaces, '+', '-' and parentheses")
                .OptionalText(contact.Email, "contact.email", 200)
                .Require(contact.Email is null || contact.Email.Contains('@', StringComparison.Ordinal), "contact.email", "is not an e-mail address");
        }

        return v;
    }
}
