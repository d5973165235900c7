using System.Buffers;
using System.Net.Mime;
using System.Security.Cryptography;
using System.Text;
using Grader.Bot.Configuration;
using Grader.Bot.Webhooks;
using Microsoft.Extensions.Options;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// Runs before the Octokit endpoint. Anyone can post here, so it checks what costs nothing before it reads, and
/// reads within bounds: wrong content type or missing GitHub headers 400, a missing or malformed signature 401,
/// a declared length over <see cref="WebhookIntakeOptions.MaxBodyBytes"/> 413, all before any of the body is read;
/// then it reserves the body's bytes from <see cref="UnauthenticatedBodyBudget"/> (503 at once when the budget is
/// spent), reads at most the cap (413 beyond, 408 when the body takes longer than the read timeout) while computing
/// the HMAC as the bytes arrive, and answers 401 for a wrong signature. Only an authenticated body reaches the
/// endpoint (which reads it again from memory).
/// </summary>
public sealed partial class WebhookRequestGuard(
    RequestDelegate next,
    IOptions<BotOptions> options,
    UnauthenticatedBodyBudget budget,
    ILogger<WebhookRequestGuard> logger)
{
    private const string SignaturePrefix = "sha256=";
    private const int ReadChunkBytes = 16 * 1024;

    private readonly byte[] _secret = Encoding.UTF8.GetBytes(options.Value.WebhookSecret);
    private readonly WebhookIntakeOptions _limits = options.Value.WebhookIntake;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, $"content type '{request.ContentType}' is not application/json").ConfigureAwait(false);
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Headers["X-GitHub-Event"]) || string.IsNullOrWhiteSpace(request.Headers["X-GitHub-Delivery"]))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "X-GitHub-Event or X-GitHub-Delivery header missing").ConfigureAwait(false);
            return;
        }

        if (ParseSignature(request.Headers["X-Hub-Signature-256"].ToString()) is not { } signature)
        {
            await RejectAsync(context, StatusCodes.Status401Unauthorized, "X-Hub-Signature-256 missing or not sha256=<64 hex digits>").ConfigureAwait(false);
            return;
        }

        if (request.ContentLength > _limits.MaxBodyBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body of {request.ContentLength} bytes is over the limit of {_limits.MaxBodyBytes}").ConfigureAwait(false);
            return;
        }

        // A body of unknown length (chunked) may grow to the cap: reserve that much.
        var reserved = request.ContentLength ?? _limits.MaxBodyBytes;
        if (!budget.TryReserve(reserved))
        {
            context.Response.Headers.RetryAfter = "1";
            await RejectAsync(context, StatusCodes.Status503ServiceUnavailable, "too many unauthenticated bytes in flight; try again").ConfigureAwait(false);
            return;
        }

        byte[] body;
        try
        {
            var read = await ReadAndVerifyAsync(context, signature).ConfigureAwait(false);
            if (read is null)
            {
                return;
            }

            body = read;
        }
        finally
        {
            budget.Release(reserved);
        }

        // Authenticated: the endpoint reads the same bytes again.
        request.Body = new MemoryStream(body, writable: false);
        await next(context).ConfigureAwait(false);
    }

    /// <summary>The body if it arrived within the bounds and its signature matches; null when the request was answered.</summary>
    private async Task<byte[]?> ReadAndVerifyAsync(HttpContext context, byte[] signature)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(_limits.BodyReadTimeout);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _secret);
        var declared = context.Request.ContentLength;
        using var body = new MemoryStream(declared is { } length ? (int)length : 0);
        var chunk = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
        try
        {
            while (true)
            {
                int count;
                try
                {
                    count = await context.Request.Body.ReadAsync(chunk.AsMemory(0, ReadChunkBytes), deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    await RejectAsync(context, StatusCodes.Status408RequestTimeout, $"body not received within {_limits.BodyReadTimeout}").ConfigureAwait(false);
                    return null;
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
                {
                    // The sender went away mid-body: nobody to answer.
                    LogAbandoned(logger, context.Request.Headers["X-GitHub-Delivery"].ToString(), body.Length);
                    return null;
                }

                if (count == 0)
                {
                    break;
                }

                if (body.Length + count > _limits.MaxBodyBytes)
                {
                    await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body is over the limit of {_limits.MaxBodyBytes} bytes").ConfigureAwait(false);
                    return null;
                }

                if (declared is null && body.Length + count > body.Capacity)
                {
                    // Grow without overshooting the cap, so the bytes held never exceed what was reserved.
                    body.Capacity = (int)Math.Min(_limits.MaxBodyBytes, Math.Max(body.Length + count, body.Capacity * 2L));
                }

                hmac.AppendData(chunk, 0, count);
                body.Write(chunk, 0, count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (!CryptographicOperations.FixedTimeEquals(hmac.GetHashAndReset(), signature))
        {
            await RejectAsync(context, StatusCodes.Status401Unauthorized, "signature does not match the body").ConfigureAwait(false);
            return null;
        }

        return body.Length == body.Capacity ? body.GetBuffer() : body.ToArray();
    }

    private static byte[]? ParseSignature(string header)
    {
        if (!header.StartsWith(SignaturePrefix, StringComparison.Ordinal) || header.Length != SignaturePrefix.Length + 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(header.AsSpan(SignaturePrefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        try
        {
            return string.Equals(new ContentType(contentType).MediaType, MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task RejectAsync(HttpContext context, int status, string reason)
    {
        LogRejected(logger, context.Request.Headers["X-GitHub-Delivery"].ToString(), status, reason);
        context.Response.StatusCode = status;
        // The unread rest of a rejected body is not worth draining: close the connection after the answer.
        context.Response.Headers.Connection = "close";
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery '{DeliveryId}' abandoned by its sender after {Bytes} bytes")]
    private static partial void LogAbandoned(ILogger logger, string deliveryId, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery '{DeliveryId}' rejected with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string deliveryId, int status, string reason);
}
