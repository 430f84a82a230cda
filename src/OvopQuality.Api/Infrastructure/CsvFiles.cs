using System.Globalization;
using CsvHelper.Configuration;

namespace OvopQuality.Api.Infrastructure;

/// <summary>How the service writes every CSV file it publishes.</summary>
public static class CsvFiles
{
    /// <summary>
    /// RFC 4180 with CRLF line ends, invariant culture, and a cell a spreadsheet could take for a
    /// formula (beginning with =, +, -, @, tab or carriage return) escaped with a leading apostrophe:
    /// producers' names and products are typed by the public and opened in spreadsheets.
    /// </summary>
    public static CsvConfiguration Configuration() => new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        NewLine = "\r\n",
    };
}
