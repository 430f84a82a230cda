namespace OvopQuality.Api.Certification.Lifecycle;

public static class Renewal
{
    /// <summary>
    /// When a renewal is granted, the certificate it renews is superseded in the same transaction,
    /// if it is still in force; its labels then verify as superseded, with the new certificate.
    /// </summary>
    public static async Task SupersedeAsync(IDocumentSession session, CertificationFile renewal, StandardMet granted, CancellationToken ct)
    {
        if (renewal.Renews is not { } oldId)
        {
            return;
        }

        var old = await session.Events.FetchForWriting<CertificationFile>(oldId, ct);
        if (old.Aggregate is { IsLive: true })
        {
            old.AppendOne(new CertificateSuperseded(oldId, renewal.Id, granted.CertificateNumber, granted.DecidedAt, granted.DecidedAt));
        }
    }
}
