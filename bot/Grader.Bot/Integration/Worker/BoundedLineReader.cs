using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Grader.Bot.Integration.Worker;

/// <summary>
/// Reads UTF-8 lines from a stream another process writes, never holding more than <c>maxLineBytes</c> of one line:
/// a longer line is an error (<see cref="InvalidDataException"/>) for a protocol, or cut into pieces of the bound for
/// a log (<c>split</c>).
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineBytes, bool split) : IAsyncDisposable
{
    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));

    /// <summary>Bytes of the pending buffer already searched for a newline, so a long line is not searched again per read.</summary>
    private long _searched;

    /// <summary>The next line without its line break, or null at the end of the stream.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var newline = buffer.Slice(_searched).PositionOf((byte)'\n');
            var lineLength = newline is { } at ? buffer.Slice(0, at).Length : buffer.Length;
            if (lineLength > maxLineBytes)
            {
                if (!split)
                {
                    _reader.AdvanceTo(buffer.End);
                    throw new InvalidDataException($"a line longer than {maxLineBytes} bytes");
                }

                var piece = buffer.Slice(0, maxLineBytes);
                var text = Decode(piece);
                _searched = 0;
                _reader.AdvanceTo(piece.End);
                return text;
            }

            if (newline is { } end)
            {
                var text = Decode(buffer.Slice(0, end));
                _searched = 0;
                _reader.AdvanceTo(buffer.GetPosition(1, end));
                return text;
            }

            if (read.IsCompleted)
            {
                var rest = buffer.Length == 0 ? null : Decode(buffer);
                _searched = 0;
                _reader.AdvanceTo(buffer.End);
                return rest;
            }

            _searched = buffer.Length;
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static string Decode(ReadOnlySequence<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        return text.EndsWith('\r') ? text[..^1] : text;
    }

    public ValueTask DisposeAsync() => _reader.CompleteAsync();
}
