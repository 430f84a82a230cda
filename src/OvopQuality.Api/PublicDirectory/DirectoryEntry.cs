using JasperFx.Events;
using Marten.Events.Projections;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.PublicDirectory;

/// <summary>
/// What the public directory knows of one producer: its published name and place, its products,
/// every certification file it applied for (as the same <see cref="PublicCertificate"/> fold label
/// verification reads, so that both always agree), and its contact, which the public is shown only
/// while the producer agrees (<see cref="ContactForPublic"/>, as <see cref="Producer.ContactForPublic"/>).
/// A producer is listed once one of its files was granted a certificate, whatever stands now.
/// </summary>
public sealed record DirectoryEntry(
    Guid Id,
    string Number,
    LocalizedText Name,
    Address Address,
    Contact Contact,
    IReadOnlyList<Product> Products,
    IReadOnlyList<DirectoryFile> Files)
{
    /// <summary>Whether the producer agreed that its contact be public; false until it does.</summary>
    public bool ContactPublished { get; init; }

    /// <summary>The contact as the public may see it: none unless the producer agreed.</summary>
    public Contact? ContactForPublic() => ContactPublished ? Contact : null;

    /// <summary>Whether the public sees the producer: true once a certificate was granted to it.</summary>
    public bool Listed { get; init; }

    /// <summary>When the entry was last written (the store's own column), for the index's check that it missed nothing.</summary>
    public DateTimeOffset LastModified { get; set; }

    /// <summary>The files granted a certificate, in the order they were applied for.</summary>
    public IEnumerable<DirectoryFile> Certified() => Files.Where(f => f.Certificate.CertificateNumber is not null);

    /// <summary>The registered product a file is about (its HS code is the product's).</summary>
    public Product? ProductOf(DirectoryFile file) => Products.FirstOrDefault(p => p.Id == file.ProductId);
}

/// <summary>One certification file of the producer: the product applied for and the certificate's public state.</summary>
public sealed record DirectoryFile(Guid ProductId, PublicCertificate Certificate);

/// <summary>
/// The directory's entries, one per producer, from the producer's own stream and from the streams of
/// its certification files. A file's facts after its application name only the file, so they are
/// grouped by the producer its application named: found in the same batch of events, or else read
/// from the file's first event (a lookup by the events table's stream and version key, once per batch).
/// Inline, like the other read models, because every fact it folds is already read and written by
/// the same transaction and the entry is one small upsert; the service's directory then answers
/// from memory (<see cref="DirectoryIndex"/>), and <c>projections rebuild</c> remakes it from events.
/// </summary>
public sealed partial class DirectoryEntryProjection : MultiStreamProjection<DirectoryEntry, Guid>
{
    public DirectoryEntryProjection()
    {
        Identity<ProducerRegistered>(e => e.ProducerId);
        Identity<ProducerDetailsCorrected>(e => e.ProducerId);
        Identity<ContactPublicationAgreed>(e => e.ProducerId);
        Identity<ContactPublicationWithdrawn>(e => e.ProducerId);
        Identity<ProductRegistered>(e => e.ProducerId);
        Identity<ApplicationSubmitted>(e => e.ProducerId);
        CustomGrouping(GroupFileFactsByProducerAsync);
    }

    /// <summary>The facts of a file after its application that change what the public sees of its certificate.</summary>
    private static readonly HashSet<Type> CertificateFacts =
    [
        typeof(StandardMet), typeof(CertificationRefused), typeof(SurveillancePassed), typeof(CertificateSuspended),
        typeof(CertificateReinstated), typeof(CertificateWithdrawn), typeof(CertificateSurrendered), typeof(CertificateExpired),
        typeof(WithdrawalOverturned), typeof(RefusalOverturned), typeof(ScopeChanged), typeof(CertificateSuperseded),
    ];

    private static async Task GroupFileFactsByProducerAsync(IQuerySession session, IReadOnlyList<IEvent> events, JasperFx.Events.Grouping.IEventGrouping<Guid> grouping)
    {
        var facts = events.Where(e => CertificateFacts.Contains(e.EventType)).ToList();
        if (facts.Count == 0)
        {
            return;
        }

        var producerOf = events.Select(e => e.Data).OfType<ApplicationSubmitted>().GroupBy(a => a.FileId).ToDictionary(g => g.Key, g => g.First().ProducerId);
        var unknown = facts.Select(f => f.StreamId).Where(id => !producerOf.ContainsKey(id)).Distinct().ToArray();
        if (unknown.Length > 0)
        {
            var applications = await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamId.IsOneOf(unknown) && e.Version == 1)
                .ToListAsync();
            foreach (var application in applications.Select(a => a.Data).OfType<ApplicationSubmitted>())
            {
                producerOf[application.FileId] = application.ProducerId;
            }
        }

        foreach (var fact in facts)
        {
            if (producerOf.TryGetValue(fact.StreamId, out var producerId))
            {
                grouping.AddEvent(producerId, fact);
            }
        }
    }

    public static DirectoryEntry Create(ProducerRegistered e) =>
        new(e.ProducerId, e.ProducerNumber, e.LegalName, e.Address, e.Contact, [], []);

    public static DirectoryEntry Apply(ProducerDetailsCorrected e, DirectoryEntry entry) =>
        entry with { Name = e.LegalName, Address = e.Address, Contact = e.Contact };

    public static DirectoryEntry Apply(ContactPublicationAgreed e, DirectoryEntry entry) => entry with { ContactPublished = true };

    public static DirectoryEntry Apply(ContactPublicationWithdrawn e, DirectoryEntry entry) => entry with { ContactPublished = false };

    public static DirectoryEntry Apply(ProductRegistered e, DirectoryEntry entry) =>
        entry with { Products = [.. entry.Products, new Product(e.ProductId, e.Name, e.Category, e.HsCode, e.RegisteredAt)] };

    public static DirectoryEntry Apply(ApplicationSubmitted e, DirectoryEntry entry) =>
        entry with { Files = [.. entry.Files, new DirectoryFile(e.ProductId, PublicCertificateProjection.Create(e))] };

    public static DirectoryEntry Apply(IEvent<StandardMet> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c)) with { Listed = true };

    public static DirectoryEntry Apply(IEvent<CertificationRefused> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e.Data, c));

    public static DirectoryEntry Apply(IEvent<SurveillancePassed> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<CertificateSuspended> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<CertificateReinstated> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<CertificateWithdrawn> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<CertificateSurrendered> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<CertificateExpired> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<WithdrawalOverturned> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<RefusalOverturned> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e.Data, c));

    public static DirectoryEntry Apply(IEvent<ScopeChanged> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    public static DirectoryEntry Apply(IEvent<CertificateSuperseded> e, DirectoryEntry entry) => Fold(entry, e, c => PublicCertificateProjection.Apply(e, c));

    /// <summary>Folds a file's fact into that file's certificate, as label verification's projection does.</summary>
    private static DirectoryEntry Fold(DirectoryEntry entry, IEvent e, Func<PublicCertificate, PublicCertificate> apply) =>
        entry with { Files = [.. entry.Files.Select(f => f.Certificate.Id == e.StreamId ? f with { Certificate = apply(f.Certificate) } : f)] };
}
