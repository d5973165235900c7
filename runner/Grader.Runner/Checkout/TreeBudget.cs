using System.Globalization;
using System.Text;
using Grader.Rubrics.Model;

namespace Grader.Runner.Checkout;

/// <summary>
/// Counts what a walk of a learner's file tree has seen (a git tree in memory, or a folder on disk) against
/// <see cref="CheckoutLimits"/>, and refuses the submission at the first limit passed, with a message that names
/// the limit, what was found and what to do. One budget per walk.
/// </summary>
internal sealed class TreeBudget(CheckoutLimits limits)
{
    /// <summary>Linux's NAME_MAX: a longer name cannot be written at all.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Limits for walks of folders that were already bounded (a checkout) or are the instructor's: a backstop against loops and bombs only.</summary>
    public static TreeBudget Backstop() => new(new CheckoutLimits
    {
        MaxEntries = 200_000,
        MaxDepth = 128,
        MaxTotalBytes = long.MaxValue,
        MaxFileBytes = long.MaxValue,
        MaxPathBytes = 4096,
    });

    public CheckoutLimits Limits => limits;

    public int Entries { get; private set; }

    public long TotalBytes { get; private set; }

    public long LargestFileBytes { get; private set; }

    /// <summary>Counts one entry (file, folder, link) at <paramref name="depth"/> (1 for the root's own entries).</summary>
    public void Entry(string relativePath, string name, int depth)
    {
        if (++Entries > limits.MaxEntries)
        {
            throw Refused($"The submission has more than {Count(limits.MaxEntries)} files and folders, the most accepted. " +
                "Remove generated files and dependencies (virtual environments, node_modules, build output, data sets) from the repository.");
        }
        if (depth > limits.MaxDepth)
        {
            throw Refused($"'{Excerpt(relativePath)}' is {depth} levels deep; at most {limits.MaxDepth} levels are accepted. Flatten the folder structure.");
        }
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            throw Refused($"The name '{Excerpt(name)}' is longer than {MaxNameBytes} bytes, the most a file system accepts. Use a shorter name.");
        }
        var pathBytes = Encoding.UTF8.GetByteCount(relativePath);
        if (pathBytes > limits.MaxPathBytes)
        {
            throw Refused($"The path '{Excerpt(relativePath)}' is {Count(pathBytes)} bytes long; at most {Count(limits.MaxPathBytes)} are accepted. Use shorter file and folder names.");
        }
    }

    /// <summary>Counts the bytes of one file (a file present N times counts N times).</summary>
    public void File(string relativePath, long size)
    {
        if (size > limits.MaxFileBytes)
        {
            throw Refused($"'{Excerpt(relativePath)}' is {ByteSize.Format(size)}; files larger than {ByteSize.Format(limits.MaxFileBytes)} are refused. " +
                "Keep data sets and model weights out of the repository (download them at build or run time).");
        }
        LargestFileBytes = Math.Max(LargestFileBytes, size);
        TotalBytes += size;
        if (TotalBytes > limits.MaxTotalBytes)
        {
            throw Refused($"The submission's files add up to more than {ByteSize.Format(limits.MaxTotalBytes)}, the most accepted " +
                "(a file that appears several times counts each time). Keep data sets, model weights and build output out of the repository.");
        }
    }

    private static SubmissionRefusedException Refused(string message) => new(message);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Excerpt(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 60), "…", text.AsSpan(text.Length - 40));
}
