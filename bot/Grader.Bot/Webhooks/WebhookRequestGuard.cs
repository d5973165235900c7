using System.Net.Mime;
using Grader.Bot.Configuration;
using Microsoft.Extensions.Options;
using Octokit.Webhooks;

namespace Grader.Bot.Webhooks;

/// <summary>
/// Runs before the Octokit endpoint to give each bad request its own answer and a log line: wrong content
/// type, missing headers or an oversized body are 400, a missing or wrong signature is 401 (Octokit
/// answers 400 for all). The body is buffered so the endpoint reads it again.
/// </summary>
public sealed partial class WebhookRequestGuard(RequestDelegate next, IOptions<BotOptions> options, ILogger<WebhookRequestGuard> logger)
{
    /// <summary>GitHub caps payloads at 25 MB.</summary>
    private const int MaxBodyBytes = 25 * 1024 * 1024;

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

        if (request.ContentLength > MaxBodyBytes)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "body larger than 25 MB").ConfigureAwait(false);
            return;
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: MaxBodyBytes);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        request.Body.Position = 0;

        var verdict = WebhookSignatureValidator.Verify(request.Headers["X-Hub-Signature-256"].ToString(), options.Value.WebhookSecret, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (verdict != WebhookSignatureValidationResult.Valid)
        {
            await RejectAsync(context, StatusCodes.Status401Unauthorized, $"signature check failed: {verdict}").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
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
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery '{DeliveryId}' rejected with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string deliveryId, int status, string reason);
}
