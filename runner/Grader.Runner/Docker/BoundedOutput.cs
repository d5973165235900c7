using System.Globalization;
using System.Text;

namespace Grader.Runner.Docker;

/// <summary>
/// Keeps at most a fixed number of bytes of a stream of output: the first half and the last half (errors
/// are usually at the end), with the bytes dropped in between counted and noted. Memory stays bounded
/// whatever the learner's code prints.
/// </summary>
public sealed class BoundedOutput
{
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private int _headLength;
    private int _tailStart;
    private int _tailLength;
    private readonly Lock _gate = new();

    public BoundedOutput(long maxBytes)
    {
        var max = (int)Math.Clamp(maxBytes, 2, int.MaxValue / 2);
        _head = new byte[max / 2];
        _tail = new byte[max - (max / 2)];
    }

    /// <summary>All bytes ever appended.</summary>
    public long TotalBytes { get; private set; }

    public bool Truncated => TotalBytes > _head.Length + _tail.Length;

    public void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            TotalBytes += data.Length;
            var toHead = Math.Min(data.Length, _head.Length - _headLength);
            data[..toHead].CopyTo(_head.AsSpan(_headLength));
            _headLength += toHead;
            data = data[toHead..];
            if (data.Length >= _tail.Length)
            {
                data[^_tail.Length..].CopyTo(_tail);
                _tailStart = 0;
                _tailLength = _tail.Length;
                return;
            }
            foreach (var b in data)
            {
                var index = (_tailStart + _tailLength) % _tail.Length;
                _tail[index] = b;
                if (_tailLength < _tail.Length) _tailLength++;
                else _tailStart = (_tailStart + 1) % _tail.Length;
            }
        }
    }

    public void Append(string text) => Append(Encoding.UTF8.GetBytes(text));

    public override string ToString()
    {
        lock (_gate)
        {
            var tail = new byte[_tailLength];
            for (var i = 0; i < _tailLength; i++) tail[i] = _tail[(_tailStart + i) % _tail.Length];
            var head = Encoding.UTF8.GetString(_head, 0, _headLength);
            if (!Truncated) return head + Encoding.UTF8.GetString(tail);
            var dropped = TotalBytes - _headLength - _tailLength;
            return head + string.Create(CultureInfo.InvariantCulture, $"\n[... {dropped} bytes of output omitted ...]\n") + Encoding.UTF8.GetString(tail);
        }
    }
}
