using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;
using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Applying;

/// <summary>An application for the OVOP rating of one product against a standard (its latest version unless one is named).</summary>
public sealed record SubmitApplication(
    Guid ProducerId,
    Guid ProductId,
    string StandardCode,
    DeclaredVolume DeclaredVolume,
    NationalEvidence NationalEvidence,
    int? StandardVersion = null,
    Guid? Renews = null,
    string? RenewsCertificate = null)
{
    /// <summary>Whether the application renews a certificate: named by its file (<c>renews</c>) or by its number (<c>renewsCertificate</c>).</summary>
    public bool IsRenewal => Renews is not null || !string.IsNullOrWhiteSpace(RenewsCertificate);
}

/// <summary>A file of the same product and standard that is still being evaluated or whose certificate is in force.</summary>
public sealed record OpenFile(Guid Id, CertificationStatus Status, string? CertificateNumber = null);

/// <summary>
/// What the decision to open a file needs to know beyond the command itself; <c>Renewed</c> is the
/// open file the application names as the one it renews (by id or certificate number), found once, when loading.
/// </summary>
public sealed record ApplicationContext(Producer? Producer, Standard? Standard, IReadOnlyList<OpenFile> OpenFiles, OpenFile? Renewed = null)
{
    public static OpenFile? NamedBy(SubmitApplication command, IReadOnlyList<OpenFile> open) =>
        open.FirstOrDefault(f => (command.Renews is { } id && f.Id == id)
            || (command.RenewsCertificate is { } number && string.Equals(f.CertificateNumber, number.Trim(), StringComparison.OrdinalIgnoreCase)));
}

/// <summary>A certification file opened: its id and its version (1) for the next command.</summary>
public sealed record FileCreated(Guid Id, long Version) : CreationResponse($"/api/certifications/{Id}");

public static class SubmitApplicationEndpoint
{
    public static ProblemDetails Validate(SubmitApplication command)
    {
        var v = new Validation()
            .Require(command.ProducerId != Guid.Empty, "producerId", "is required")
            .Require(command.ProductId != Guid.Empty, "productId", "is required")
            .Text(command.StandardCode, "standardCode", 20)
            .Require(command.StandardVersion is null or >= 1, "standardVersion", "must be 1 or more")
            .Require(command.Renews is null || command.RenewsCertificate is null, "renewsCertificate", "give renews or renewsCertificate, not both")
            .OptionalText(command.RenewsCertificate, "renewsCertificate", 40)
            .Require(command.DeclaredVolume is not null, "declaredVolume", "is required")
            .Require(command.NationalEvidence is not null, "nationalEvidence", "is required");
        if (command.DeclaredVolume is { } volume)
        {
            v.Require(volume.AnnualUnits is >= 1 and <= 100_000_000, "declaredVolume.annualUnits", "must be between 1 and 100,000,000")
                .Text(volume.Unit, "declaredVolume.unit", 50);
        }

        if (command.NationalEvidence is { } evidence)
        {
            v.Text(evidence.CertificateNumber, "nationalEvidence.certificateNumber", 50)
                .Text(evidence.IssuedBy, "nationalEvidence.issuedBy", 200)
                .Text(evidence.SanitaryConclusionNumber, "nationalEvidence.sanitaryConclusionNumber", 50);
        }

        return v.ToProblem();
    }

    public static async Task<ApplicationContext> LoadAsync(SubmitApplication command, IQuerySession session, CancellationToken ct)
    {
        var producer = await session.LoadAsync<Producer>(command.ProducerId, ct);
        var standard = await session.LoadAsync<Standard>(Standard.StreamIdFor(command.StandardCode), ct);
        if (standard is null)
        {
            return new ApplicationContext(producer, null, []);
        }

        var open = await session.Query<CertificationFile>()
            .Where(f => f.ProductId == command.ProductId && f.Standard.Code == standard.Code
                        && (f.Status == CertificationStatus.Applied || f.Status == CertificationStatus.InspectionScheduled || f.Status == CertificationStatus.Inspected
                            || f.Status == CertificationStatus.Certified || f.Status == CertificationStatus.Suspended))
            .ToListAsync(ct);
        IReadOnlyList<OpenFile> files = [.. open.Select(f => new OpenFile(f.Id, f.Status, f.Certificate?.Number))];
        return new ApplicationContext(producer, standard, files, command.IsRenewal ? ApplicationContext.NamedBy(command, files) : null);
    }

    /// <summary>The rules for opening a file, as a pure function of what is known.</summary>
    public static ProblemDetails Before(SubmitApplication command, ApplicationContext context, Actor actor, TimeProvider clock)
    {
        var today = ProgrammeTime.DayOf(clock.GetUtcNow());
        if (context.Producer is not { } producer || !actor.MayActFor(producer.Number))
        {
            return Problems.NotFound("producer", $"There is no producer {command.ProducerId}.");
        }

        if (producer.FindProduct(command.ProductId) is not { } product)
        {
            return Problems.NotFound("product", $"Producer {producer.Number} has no product {command.ProductId}.");
        }

        if (context.Standard is not { } standard)
        {
            return Problems.NotFound("standard", $"There is no standard {command.StandardCode} in the catalogue.");
        }

        if (command.StandardVersion is { } version && standard.FindVersion(version) is null)
        {
            return Problems.NotFound("standard-version", $"Standard {standard.Code} has no version {version}.");
        }

        if (standard.Latest.Category != product.Category)
        {
            return Problems.Conflict("standard-does-not-apply",
                $"Standard {standard.Code} is for {standard.Latest.Category.Wire()} products; {product.Name.En} is {product.Category.Wire()}.");
        }

        var renewed = context.Renewed;
        if (command.IsRenewal && renewed is not { Status: CertificationStatus.Certified or CertificationStatus.Suspended })
        {
            return Problems.Conflict("not-renewable", $"renews (or renewsCertificate) must name the certificate in force for {product.Name.En} under {standard.Code}.");
        }

        if (context.OpenFiles.FirstOrDefault(f => f.Id != renewed?.Id) is { } open)
        {
            return Problems.Conflict("application-already-open",
                $"{product.Name.En} already has a certification file under {standard.Code} ({open.Status.Wire()})"
                + (open.Status is CertificationStatus.Certified or CertificationStatus.Suspended ? $"; to renew it, apply with renewsCertificate = {open.CertificateNumber}." : "."));
        }

        if (command.NationalEvidence.ValidUntil < today || command.NationalEvidence.SanitaryConclusionValidUntil < today)
        {
            return Problems.Conflict("national-evidence-expired",
                "The national conformity certificate and the sanitary conclusion must both be valid on the day of application.");
        }

        return WolverineContinue.NoProblems;
    }

    /// <summary>Opens a certification file: one event stream that will hold every fact of the file.</summary>
    [WolverinePost("/api/certifications", OperationId = "SubmitApplication")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (FileCreated, IStartStream) Post(SubmitApplication command, ApplicationContext context, Actor actor, TimeProvider clock)
    {
        var producer = context.Producer!;
        var product = producer.FindProduct(command.ProductId)!;
        var standard = command.StandardVersion is { } version ? context.Standard!.FindVersion(version)! : context.Standard!.Latest;
        var fileId = Guid.CreateVersion7();
        var submitted = new ApplicationSubmitted(
            fileId, producer.Id, producer.Number, producer.LegalName, producer.Address,
            product.Id, product.Name, product.Category, standard,
            command.DeclaredVolume, command.NationalEvidence, clock.GetUtcNow(), context.Renewed?.Id, actor.Subject);
        return (new FileCreated(fileId, 1), MartenOps.StartStream<CertificationFile>(fileId, submitted));
    }
}
