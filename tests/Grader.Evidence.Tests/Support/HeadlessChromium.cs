using Microsoft.Playwright;

namespace Grader.Evidence.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven through Playwright (its own browser download is not used), with a fresh
/// profile folder per launch. Collects console errors and uncaught page errors.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, IPage page, string profile)
    {
        _playwright = playwright;
        Context = context;
        Page = page;
        _profile = profile;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") Errors.Add("console: " + message.Text);
        };
        page.PageError += (_, error) => Errors.Add("page error: " + error);
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public List<string> Errors { get; } = [];

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("grader-chromium-").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Timeout = 120_000,
        });
        var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        return new HeadlessChromium(playwright, context, page, profile);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of its profile; it is a temporary folder.
        }
    }
}
