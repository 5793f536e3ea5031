using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Assemble.Domain.Common;
using Assemble.Infrastructure.Persistence;
using Assemble.Infrastructure.Persistence.Configurations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Assemble.Api.Common;

/// <summary>
/// <c>Idempotency-Key</c> on a POST: the same key with the same request gives the same answer and one effect; the
/// same key with a different request is 422; a retry while the first is still running is 409. Keys are per member.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var values)) return await next(context);
        var key = values.ToString();
        if (key.Length is 0 or > 200)
            return Problems.InvalidField(Header, "Use a key of 1 to 200 characters (a UUID is best).", "idempotency.invalid_key");
        if (http.User.MemberId() is not { } memberId) return await next(context);

        var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            http.Request.Method + " " + http.Request.Path + " " + JsonSerializer.Serialize(context.Arguments.Where(a => a is not null && a.GetType().Namespace?.StartsWith("Assemble") == true), json))));
        var db = http.RequestServices.GetRequiredService<AppDbContext>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();

        var claimed = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO idempotency_records (member_id, key, fingerprint, created_at) VALUES ({memberId}, {key}, {fingerprint}, {now}) ON CONFLICT (member_id, key) DO NOTHING");
        if (claimed == 0)
        {
            var stale = now - Abandoned;
            var record = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.MemberId == memberId && r.Key == key);
            if (record.Fingerprint != fingerprint)
                return new Error("idempotency.key_reused", "This Idempotency-Key was used for a different request.", ErrorKind.Rule).ToProblem();
            if (record.StatusCode is { } status)
                return Results.Text(record.Body ?? "", record.ContentType, Encoding.UTF8, status) is var replay && record.Location is { } location
                    ? new ReplayWithLocation(replay, location) : replay;
            // Still running, unless the first attempt died: then this one takes over.
            var takenOver = await db.Database.ExecuteSqlAsync(
                $"UPDATE idempotency_records SET created_at = {now} WHERE member_id = {memberId} AND key = {key} AND status_code IS NULL AND created_at < {stale}");
            if (takenOver == 0)
                return new Error("idempotency.in_progress", "A request with this Idempotency-Key is still being handled. Retry shortly.", ErrorKind.Conflict).ToProblem();
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM idempotency_records WHERE member_id = {memberId} AND key = {key} AND status_code IS NULL");
            throw;
        }

        var inner = result is INestedHttpResult nested ? nested.Result : result;
        var statusCode = (inner as IStatusCodeHttpResult)?.StatusCode ?? 200;
        var value = (inner as IValueHttpResult)?.Value;
        var contentType = inner is ProblemHttpResult ? "application/problem+json" : "application/json";
        var body = value is null ? "" : JsonSerializer.Serialize(value, value.GetType(), json);
        var locationOut = inner switch { IResult r when r.GetType().GetProperty("Location")?.GetValue(r) is string l => l, _ => null };
        await db.Database.ExecuteSqlAsync(
            $"UPDATE idempotency_records SET status_code = {statusCode}, content_type = {contentType}, body = {body}, location = {locationOut} WHERE member_id = {memberId} AND key = {key}");
        return result;
    });

    private sealed class ReplayWithLocation(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
