using OvopQuality.Verifier;

// ovop-verify: checks an OVOP label with no network, from a cached key set and status snapshot.
//   ovop-verify refresh --url https://verify.ovop.tj     download the keys and the status snapshot (when online)
//   ovop-verify [verify] <statement | address | qr-image.png>    verify offline
//   ovop-verify history <export.json> [--checkpoints <list.json>]   check an exported history (GET …/events/export)
//       against the signed checkpoints, with the cached keys (and the cached list of checkpoints, if any)
//   ovop-verify consignment <report.jws> [report.csv]             check a signed consignment report (and its CSV)
//   ovop-verify open-data <manifest.jws> <file>...                check the open data's signed manifest and downloaded files
// The cache lives in ~/.ovop-verifier (or --cache <folder>).
var cache = args.SkipWhile(a => a != "--cache").Skip(1).FirstOrDefault()
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ovop-verifier");
var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal))).ToList();
if (positional is ["verify", ..])
{
    positional.RemoveAt(0);
}
var jwksFile = Path.Combine(cache, "jwks.json");
var snapshotFile = Path.Combine(cache, "status-snapshot.jws");
var checkpointsFile = Path.Combine(cache, "checkpoints.json");

if (positional is ["refresh"])
{
    var url = args.SkipWhile(a => a != "--url").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:5080";
    using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    Directory.CreateDirectory(cache);
    await File.WriteAllTextAsync(jwksFile, await http.GetStringAsync("/.well-known/jwks.json"));
    using var snapshot = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/status-snapshot"));
    await File.WriteAllTextAsync(snapshotFile, snapshot.RootElement.GetProperty("snapshot").GetString());
    var checkpoints = new System.Text.Json.Nodes.JsonArray();
    for (var next = "/api/history/checkpoints?limit=500"; next is not null;)
    {
        var page = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync(next))!;
        foreach (var item in page["items"]!.AsArray())
        {
            checkpoints.Add(item!.DeepClone());
        }

        next = page["next"]?.GetValue<string>() is { } cursor ? "/api/history/checkpoints?limit=500&cursor=" + Uri.EscapeDataString(cursor) : null;
    }

    await File.WriteAllTextAsync(checkpointsFile, checkpoints.ToJsonString());
    Console.WriteLine($"keys, status snapshot and {checkpoints.Count} history checkpoints saved in {cache}");
    return 0;
}

// Text from an export is shown, never obeyed: control characters (a terminal's escape sequences
// could rewrite the verdict line) are shown as '?'.
static string Shown(string? text) => string.Concat((text ?? "").Select(c => char.IsControl(c) ? '?' : c));

if (positional is ["history", var exportFile])
{
    if (!File.Exists(jwksFile))
    {
        Console.Error.WriteLine($"no cached keys in {cache}: run 'ovop-verify refresh --url <service>' once while online");
        return 2;
    }

    var listFile = args.SkipWhile(a => a != "--checkpoints").Skip(1).FirstOrDefault() ?? (File.Exists(checkpointsFile) ? checkpointsFile : null);
    HistoryVerdict history;
    try
    {
        history = HistoryVerifier.Verify(await File.ReadAllTextAsync(exportFile), await File.ReadAllTextAsync(jwksFile),
            listFile is null ? null : await File.ReadAllTextAsync(listFile));
    }
    catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
    {
        Console.Error.WriteLine($"not an exported OVOP history: {Shown(e.Message)}");
        return 2;
    }

    Console.WriteLine(Shown($"{history.Verdict.ToUpperInvariant()}  stream {history.StreamId}"));
    foreach (var line in history.Established)
    {
        Console.WriteLine("  established: " + Shown(line));
    }

    foreach (var line in history.NotEstablished)
    {
        Console.WriteLine("  not established: " + Shown(line));
    }

    foreach (var problem in history.Problems)
    {
        Console.WriteLine("  PROBLEM: " + Shown(problem.Detail));
    }

    if (listFile is null)
    {
        Console.WriteLine("  not established: that the checkpoint is the one published under its number (no list of checkpoints cached: 'refresh', or --checkpoints <file>)");
    }

    return history.Verdict is "intact" or "unanchored" ? 0 : 1;
}

if (positional is ["consignment", var reportFile, .. var rest] && rest.Count <= 1)
{
    if (!File.Exists(jwksFile))
    {
        Console.Error.WriteLine($"no cached keys in {cache}: run 'ovop-verify refresh --url <service>' once while online");
        return 2;
    }

    var checker = new OfflineVerifier(await File.ReadAllTextAsync(jwksFile), null);
    var report = checker.VerifyConsignment(await File.ReadAllTextAsync(reportFile), rest is [var csvFile] ? await File.ReadAllBytesAsync(csvFile) : null);
    Console.WriteLine(Shown(report.Valid ? $"VALID  consignment report {report.ReportId}, codes judged as of {report.ShipmentDate ?? report.At}" : report.ReportId is null ? "INVALID" : $"NOT CHECKED  consignment report {report.ReportId}"));
    Console.WriteLine(Shown("  " + string.Join(", ", report.Counts.Select(c => $"{c.Key} {c.Value}"))));
    Console.WriteLine(Shown("  certificates: " + string.Join(", ", report.Certificates)));
    foreach (var line in report.Established)
    {
        Console.WriteLine("  established: " + Shown(line));
    }

    foreach (var line in report.Problems)
    {
        Console.WriteLine("  not established: " + Shown(line));
    }

    return report.Valid ? 0 : 1;
}

if (positional is ["open-data", var manifestFile, .. var dataFiles])
{
    if (!File.Exists(jwksFile))
    {
        Console.Error.WriteLine($"no cached keys in {cache}: run 'ovop-verify refresh --url <service>' once while online");
        return 2;
    }

    // A file is named as the manifest names it (certificates.csv): a download saved under another
    // name, e.g. certificates-2026.csv, is checked as that name and found unknown.
    var given = new Dictionary<string, byte[]>(StringComparer.Ordinal);
    foreach (var dataFile in dataFiles)
    {
        given[Path.GetFileName(dataFile)] = await File.ReadAllBytesAsync(dataFile);
    }

    var checker = new OfflineVerifier(await File.ReadAllTextAsync(jwksFile), null);
    var openData = checker.VerifyOpenData(await File.ReadAllTextAsync(manifestFile), given);
    Console.WriteLine(Shown(openData.Valid ? $"VALID  open data made {openData.GeneratedAt}, up to event {openData.Sequence}, licence {openData.Licence}" : "INVALID"));
    foreach (var line in openData.Established)
    {
        Console.WriteLine("  established: " + Shown(line));
    }

    foreach (var line in openData.Problems)
    {
        Console.WriteLine("  not established: " + Shown(line));
    }

    if (openData.NotGiven.Count > 0)
    {
        Console.WriteLine(Shown("  not checked (not given): " + string.Join(", ", openData.NotGiven)));
    }

    return openData.Valid ? 0 : 1;
}

if (positional.Count != 1)
{
    Console.Error.WriteLine("usage: ovop-verify [verify] <statement | address | qr-image.png> [--cache <folder>]   |   ovop-verify history <export.json> [--checkpoints <list.json>] [--cache <folder>]   |   ovop-verify consignment <report.jws> [report.csv]   |   ovop-verify open-data <manifest.jws> <file>...   |   ovop-verify refresh --url <service>");
    return 2;
}

if (!File.Exists(jwksFile))
{
    Console.Error.WriteLine($"no cached keys in {cache}: run 'ovop-verify refresh --url <service>' once while online");
    return 2;
}

var input = positional[0];
if (File.Exists(input))
{
    input = QrImages.Read(input) ?? "";
    if (input.Length == 0)
    {
        Console.Error.WriteLine("no QR code found in the image");
        return 1;
    }
}

var verifier = new OfflineVerifier(await File.ReadAllTextAsync(jwksFile), File.Exists(snapshotFile) ? await File.ReadAllTextAsync(snapshotFile) : null);
var verdict = verifier.Verify(input, DateTimeOffset.UtcNow);
Console.WriteLine(Shown($"{verdict.Verdict.ToUpperInvariant()}  {verdict.LabelCode}  {verdict.Product} — {verdict.Producer}  certificate {verdict.CertificateNumber}, {verdict.Stars} stars, valid until {verdict.ValidUntil}"));
foreach (var line in verdict.Established)
{
    Console.WriteLine("  established: " + Shown(line));
}

foreach (var line in verdict.NotEstablished)
{
    Console.WriteLine("  not established: " + Shown(line));
}

return verdict.Verdict is "valid" or "valid-status-stale" or "valid-signature-only" ? 0 : 1;
