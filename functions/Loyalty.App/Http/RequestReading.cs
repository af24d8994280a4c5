using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Loyalty.App.Http;

/// <summary>Reads request bodies and headers within limits, for both hosts.</summary>
public static class RequestReading
{
    /// <summary>
    /// The raw body, or null when it is longer than <paramref name="limit"/> bytes (checked
    /// against Content-Length first, then while reading, so an oversized body is never buffered whole).
    /// </summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n ? (int)n : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Request headers as a case-insensitive dictionary (repeated values joined by a comma).</summary>
    public static IReadOnlyDictionary<string, string> Headers(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return headers;
    }

    /// <summary>
    /// As <see cref="ReadJsonAsync{T}"/> for a body that may be left out (no Content-Length and
    /// no Content-Type): then <paramref name="absent"/>.
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ReadOptionalJsonAsync<T>(HttpRequest request, int limit, T absent, CancellationToken ct)
        where T : class =>
        request.ContentLength is > 0 || request.Headers.ContentType.Count > 0
            ? await ReadJsonAsync<T>(request, limit, ct)
            : (absent, null);

    /// <summary>Reads a small JSON body into <typeparamref name="T"/>, or gives the problem to answer.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request, int limit, CancellationToken ct)
        where T : class
    {
        var body = await ReadBodyAsync(request, limit, ct);
        if (body is null)
        {
            return (null, Problems.TooLarge(limit));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(body, Loyalty.Core.EventEnvelope.Json);
            return value is null
                ? (null, Problems.Invalid("body", "Expected a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path.TrimStart('$', '.');
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "malformed-json", "The body is not valid JSON of the expected shape.", $"{field}: malformed JSON or a value of the wrong type.", field));
        }
    }
}
