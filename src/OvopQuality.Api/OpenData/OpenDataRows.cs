using System.ComponentModel;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;

namespace OvopQuality.Api.OpenData;

// The open data's rows: one record a dataset, its properties in column order. Their names in
// snake_case are the columns of the CSV and the fields of the JSON, and their descriptions are the
// data dictionary and the JSON Schema's: a column is renamed only with a new dataset name.

[Description("A producer with at least one certificate granted (whatever its standing now): its permanent number, its name as registered, where it works, and its contact only if it agreed that it be published.")]
public sealed record ProducerRow(
    [property: Description("The producer's permanent number, e.g. TJ-P-000123; never reused, never changed.")] string ProducerNumber,
    [property: Description("The producer's legal name in Tajik (Cyrillic).")] string NameTg,
    [property: Description("The producer's legal name in Russian.")] string NameRu,
    [property: Description("The producer's legal name in English.")] string NameEn,
    [property: Description("The Tajik name in Latin letters (the programme's transliteration).")] string NameLatin,
    [property: Description("Region: sughd, khatlon, gbao, districtsOfRepublicanSubordination or dushanbe.")] Region Region,
    [property: Description("District (or city) as the producer gave it.")] string District,
    [property: Description("Village or street as the producer gave it.")] string Village,
    [property: Description("Contact person, only if the producer agreed to publish its contact; else empty.")] string? ContactPerson,
    [property: Description("Contact phone, only if the producer agreed to publish its contact; else empty.")] string? ContactPhone,
    [property: Description("Contact e-mail, only if the producer agreed to publish its contact and gave one; else empty.")] string? ContactEmail,
    [property: Description("Day the producer registered with the programme (Asia/Dushanbe).")] DateOnly RegisteredOn,
    [property: Description("How many of its certificates are valid at the export's instant.")] int ValidCertificates);

[Description("A product of a published producer.")]
public sealed record ProductRow(
    [property: Description("The producer's number (producers.producer_number).")] string ProducerNumber,
    [property: Description("The product's permanent identifier.")] Guid ProductId,
    [property: Description("The product's name in Tajik.")] string NameTg,
    [property: Description("The product's name in Russian.")] string NameRu,
    [property: Description("The product's name in English.")] string NameEn,
    [property: Description("The Tajik name in Latin letters.")] string NameLatin,
    [property: Description("Product category, e.g. driedFruit, honey, textile.")] ProductCategory Category,
    [property: Description("Harmonized System code, 6 to 10 digits.")] string HsCode,
    [property: Description("Day the product was registered (Asia/Dushanbe).")] DateOnly RegisteredOn);

[Description("A certificate granted, with its standing at the export's instant as label verification answers it.")]
public sealed record CertificateRow(
    [property: Description("Certificate number, e.g. TJ-OVOP-2026-000123.")] string CertificateNumber,
    [property: Description("The producer's number (producers.producer_number).")] string ProducerNumber,
    [property: Description("The certified product's name in Tajik.")] string ProductNameTg,
    [property: Description("The certified product's name in Russian.")] string ProductNameRu,
    [property: Description("The certified product's name in English.")] string ProductNameEn,
    [property: Description("Product category.")] ProductCategory Category,
    [property: Description("Code of the standard certified against (standards.standard_code).")] string StandardCode,
    [property: Description("Version of that standard the decision used.")] int StandardVersion,
    [property: Description("OVOP star rating, 1 to 5.")] int? Stars,
    [property: Description("First day of validity.")] DateOnly? ValidFrom,
    [property: Description("Last day of validity.")] DateOnly? ValidUntil,
    [property: Description("Standing at the export's instant: valid, suspended, withdrawn, expired or superseded (a surrendered certificate reads withdrawn).")] LabelStatus Standing,
    [property: Description("Instant the standing took effect (UTC, ISO 8601).")] DateTimeOffset? StandingSince,
    [property: Description("Class of the reason for a suspension or withdrawal, e.g. surveillanceFailed; never the reason's text.")] ReasonClass? ReasonClass,
    [property: Description("For a superseded certificate, the number of the certificate that replaced it.")] string? SupersededBy);

[Description("One public fact of a certificate's life, with both of its times: when it took effect and when it was recorded (a suspension may be decided after the day it takes effect).")]
public sealed record CertificateEventRow(
    [property: Description("Certificate number (certificates.certificate_number).")] string CertificateNumber,
    [property: Description("What happened: granted, surveillancePassed, suspended, reinstated, withdrawn, surrendered, expired, superseded, scopeChanged.")] TimelineEvent Event,
    [property: Description("Class of the reason, for a suspension, withdrawal or surrender.")] ReasonClass? ReasonClass,
    [property: Description("Instant the fact took effect (UTC, ISO 8601).")] DateTimeOffset EffectiveFrom,
    [property: Description("Instant the fact was recorded (UTC, ISO 8601).")] DateTimeOffset RecordedAt,
    [property: Description("For a supersession, the replacing certificate's number.")] string? LinkedCertificateNumber);

[Description("A version of a standard of the catalogue: what products it is for, how long its certificates are valid, and the scores for each star.")]
public sealed record StandardRow(
    [property: Description("The standard's code, e.g. OVOP-DF.")] string StandardCode,
    [property: Description("The version's number; a decision records the version it used.")] int Version,
    [property: Description("Title in Tajik.")] string TitleTg,
    [property: Description("Title in Russian.")] string TitleRu,
    [property: Description("Title in English.")] string TitleEn,
    [property: Description("Product category the standard is for.")] ProductCategory Category,
    [property: Description("Months a certificate under this version is valid.")] int ValidityMonths,
    [property: Description("Minimum score in percent for one star.")] int OneStarPercent,
    [property: Description("Minimum score in percent for two stars.")] int TwoStarsPercent,
    [property: Description("Minimum score in percent for three stars.")] int ThreeStarsPercent,
    [property: Description("Minimum score in percent for four stars.")] int FourStarsPercent,
    [property: Description("Minimum score in percent for five stars.")] int FiveStarsPercent,
    [property: Description("Instant the version was published (UTC, ISO 8601).")] DateTimeOffset PublishedAt);

[Description("A requirement of a standard's version, with its points and whether failing it refuses certification.")]
public sealed record RequirementRow(
    [property: Description("The standard's code (standards.standard_code).")] string StandardCode,
    [property: Description("The standard's version (standards.version).")] int Version,
    [property: Description("The requirement's code, e.g. DF-Q1.")] string RequirementCode,
    [property: Description("Group: community, marketing or quality.")] RequirementGroup Group,
    [property: Description("The requirement in Tajik.")] string TextTg,
    [property: Description("The requirement in Russian.")] string TextRu,
    [property: Description("The requirement in English.")] string TextEn,
    [property: Description("Points the requirement scores.")] int Points,
    [property: Description("Whether failing it refuses certification whatever the score.")] bool Mandatory);
