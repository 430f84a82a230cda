namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Files that hold private keys: created readable by the service's user alone from their first
/// byte (never written first and restricted after), in folders only that user may enter; and
/// destroyed, not just forgotten, when the key must no longer exist.
/// </summary>
public static class SecretFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }
    }

    /// <summary>Writes a new secret file; refuses to replace one that exists.</summary>
    public static async Task WriteNewAsync(string path, string content, CancellationToken ct = default)
    {
        CreateFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream, System.Text.Encoding.ASCII);
        await writer.WriteAsync(content.AsMemory(), ct);
    }

    public static void WriteNew(string path, string content) => WriteNewAsync(path, content).GetAwaiter().GetResult();

    /// <summary>Overwrites the file with random bytes, flushes them to the disk and deletes it.</summary>
    public static void Destroy(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            var noise = new byte[stream.Length];
            System.Security.Cryptography.RandomNumberGenerator.Fill(noise);
            stream.Write(noise);
            stream.Flush(flushToDisk: true);
        }

        File.Delete(path);
    }
}
