using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Email;

/// <summary>Admins see the outbox (never the bodies: they may hold links with tokens) and send dead messages again.</summary>
public static class OutboxAdmin
{
    public sealed record OutboxEmailView(Guid Id, OutboxEmailStatus Status, string Subject, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt, string? LastError);

    public static readonly Error NotFound = new("outbox.not_found", "No such message.", ErrorKind.NotFound);
    public static readonly Error NotDead = new("outbox.not_dead", "Only a dead message can be retried.", ErrorKind.Conflict);

    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        return services;
    }

    public static void MapOutboxEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/outbox").WithTags("Admin").RequireAuthorization(Admin.AdminEndpoints.AdminPolicy);
        admin.MapGet("/", async Task<Results<Ok<Page<OutboxEmailView>>, ProblemHttpResult>> (AppDbContext db, CancellationToken ct, string? status, string? cursor, int? limit) =>
            {
                if (!Cursor.TryRead(cursor, limit, out var after, out var take, out var problem)) return problem!;
                if (!QueryValues.TryEnum<OutboxEmailStatus>(status, "status", out var wanted, out problem)) return problem!;
                var query = db.OutboxEmails.AsNoTracking();
                if (wanted is { } w) query = query.Where(e => e.Status == w);
                if (after is { } a) query = query.Where(e => e.Id.CompareTo(a) < 0);
                var rows = await query.OrderByDescending(e => e.Id).Take(take + 1)
                    .Select(e => new OutboxEmailView(e.Id, e.Status, e.Subject, e.Attempts, e.CreatedAt, e.NextAttemptAt, e.SentAt, e.LastError)).ToListAsync(ct);
                return TypedResults.Ok(Cursor.ToPage(rows, take, i => i.Id));
            })
            .WithName("ListOutbox").WithSummary("List outgoing mail").ProducesProblems(400, 401, 403)
            .WithDescription("Admins: outgoing mail newest first, optionally by status (pending, sent, dead), with attempts and the last error, never the bodies (they may hold links with tokens); keyset-paginated (`cursor`, `limit` 1 to 100). 400 `request.invalid` for an unknown status.");
        admin.MapPost("/{id:guid}/retry", async Task<Results<Ok<OutboxEmailView>, ProblemHttpResult>> (Guid id, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                var email = await db.OutboxEmails.SingleOrDefaultAsync(e => e.Id == id, ct);
                if (email is null) return NotFound.ToProblem();
                var now = time.GetUtcNow();
                if (!email.Retry(now)) return NotDead.ToProblem();
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), "outbox.retried", "outbox_email", id, now));
                await db.SaveChangesAsync(ct);
                return TypedResults.Ok(new OutboxEmailView(email.Id, email.Status, email.Subject, email.Attempts, email.CreatedAt, email.NextAttemptAt, email.SentAt, email.LastError));
            })
            .WithName("RetryOutboxEmail").WithSummary("Retry a dead e-mail")
            .WithDescription("Admins: a dead message is queued again. 409 `outbox.not_dead`. Audited.").ProducesProblems(401, 403, 404, 409);
    }
}
