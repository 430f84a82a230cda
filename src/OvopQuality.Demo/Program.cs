using OvopQuality.Demo;

// Loads the demo producers and their certification histories into a running OvopQuality service,
// through its public HTTP commands only, so every demo stream is a real event stream.
//   dotnet OvopQuality.Demo.dll [--url http://127.0.0.1:5080]
var url = args.SkipWhile(a => a != "--url").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:5080";
using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
try
{
    var loaded = await new DemoLoader(new Api(http), Console.Out).LoadAsync(DemoCatalogue.Producers);
    Console.WriteLine($"demo: {loaded} producer(s) added; the others were already there.");
    return 0;
}
catch (DemoException e)
{
    Console.Error.WriteLine("demo: " + e.Message);
    return 1;
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"demo: cannot reach the service at {url}: {e.Message}");
    return 1;
}
