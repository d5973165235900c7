using System.Text;

namespace Grader.Rubrics.Rendering;

/// <summary>
/// Assembles Markdown from whole blocks (a paragraph, a table row, a complete <c>&lt;details&gt;</c> with its fence)
/// under a character limit. A block that does not fit is left out with every block after it, and a note says so:
/// the text is never cut inside a code fence or an HTML tag.
/// </summary>
internal sealed class BoundedMarkdown(int limit, string whereTheRestIs)
{
    private readonly StringBuilder _text = new();
    private int _omitted;

    /// <summary>Room kept for the truncation note.</summary>
    private int Reserve => 200 + whereTheRestIs.Length;

    /// <param name="separator">What joins the block to the previous one: a blank line between blocks, a newline between table rows.</param>
    public void Add(string block, string separator = "\n\n")
    {
        if (_omitted > 0)
        {
            _omitted++;
            return;
        }
        var sep = _text.Length == 0 ? "" : separator;
        if (_text.Length + sep.Length + block.Length > limit - Reserve)
        {
            _omitted = 1;
            return;
        }
        _text.Append(sep).Append(block);
    }

    public bool Truncated => _omitted > 0;

    public string Build()
    {
        if (_omitted == 0) return _text.ToString();
        var note = $"_… {_omitted} more {(_omitted == 1 ? "part was" : "parts were")} left out to fit GitHub's {limit:N0}-character limit; {whereTheRestIs}._";
        return _text + "\n\n" + note;
    }
}
