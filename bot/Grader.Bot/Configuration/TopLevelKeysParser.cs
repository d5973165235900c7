using Grader.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Grader.Bot.Configuration;

/// <summary>
/// Passes on only the given top-level keys of a YAML mapping (with their values), so the course mapping is deserialized
/// strictly (a misspelt key inside it is an error at its line) while the file's settings sections, whatever they are,
/// are left to <see cref="YamlSettings"/>. Events keep their positions, so errors still point into the file.
/// </summary>
internal sealed class TopLevelKeysParser(IParser inner, IReadOnlyList<string> keys) : IParser
{
    /// <summary>Open mappings and sequences; 1 inside the root mapping.</summary>
    private int _depth;

    private bool _rootIsMapping;

    /// <summary>Inside the root mapping: whether the next event there is a key (else a value).</summary>
    private bool _keyNext;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        while (_rootIsMapping && _depth == 1 && _keyNext && inner.Current is Scalar { Value: var key } && !keys.Contains(key, StringComparer.Ordinal))
        {
            if (!inner.MoveNext()) return false;
            SkipValue();
            if (!inner.MoveNext()) return false;
        }

        Track(inner.Current!);
        return true;
    }

    /// <summary>Consumes the value that starts at the current event, up to its last event.</summary>
    private void SkipValue()
    {
        var open = 0;
        do
        {
            switch (inner.Current)
            {
                case MappingStart or SequenceStart:
                    open++;
                    break;
                case MappingEnd or SequenceEnd:
                    open--;
                    break;
            }
        }
        while (open > 0 && inner.MoveNext());
    }

    private void Track(ParsingEvent current)
    {
        switch (current)
        {
            case MappingStart or SequenceStart:
                if (_depth == 0) _rootIsMapping = current is MappingStart;
                // A value opening in the root mapping: once it closes, a key comes next.
                _keyNext = true;
                _depth++;
                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
            case Scalar or AnchorAlias when _depth == 1:
                _keyNext = !_keyNext;
                break;
        }
    }
}
