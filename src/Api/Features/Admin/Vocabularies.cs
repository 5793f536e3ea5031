using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Auditing;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Admin;

/// <summary>The referral board's controlled vocabularies are data: admins add terms, relabel them, retire and restore them.</summary>
public static class Vocabularies
{
    public sealed record VocabularyTermRequest(string? LabelJa, string? LabelEn, bool? Active);

    public sealed record VocabularyTermAdminView(VocabularyKind Kind, string Code, string LabelJa, string LabelEn, bool Active)
    {
        public static VocabularyTermAdminView Of(VocabularyTerm t) => new(t.Kind, t.Code, t.LabelJa, t.LabelEn, t.Active);
    }

    public static void MapVocabularyAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/vocabularies", async (AppDbContext db, CancellationToken ct)
                => TypedResults.Ok(await db.VocabularyTerms.AsNoTracking().OrderBy(t => t.Kind).ThenBy(t => t.Code)
                    .Select(t => new VocabularyTermAdminView(t.Kind, t.Code, t.LabelJa, t.LabelEn, t.Active)).ToListAsync(ct)))
            .WithName("ListVocabularyTerms").WithSummary("List vocabulary terms, retired ones included")
            .WithDescription("Every term, retired ones included.");

        admin.MapPut("/vocabularies/{kind}/{code}", async Task<Results<Ok<VocabularyTermAdminView>, Created<VocabularyTermAdminView>, ProblemHttpResult>> (
                string kind, string code, VocabularyTermRequest request, ClaimsPrincipal user, AppDbContext db, TimeProvider time, CancellationToken ct) =>
            {
                if (!QueryValues.TryEnum<VocabularyKind>(kind, "kind", out var parsedKind, out var problem)) return problem!;
                var term = await db.VocabularyTerms.SingleOrDefaultAsync(t => t.Kind == parsedKind && t.Code == code, ct);
                var created = term is null;
                if (term is null)
                {
                    var made = VocabularyTerm.Create(parsedKind!.Value, code, request.LabelJa, request.LabelEn, request.Active ?? true);
                    if (!made.IsSuccess) return made.Error!.ToProblem();
                    db.VocabularyTerms.Add(term = made.Value!);
                }
                else
                {
                    var set = term.Set(request.LabelJa, request.LabelEn, request.Active ?? term.Active);
                    if (!set.IsSuccess) return set.Error!.ToProblem();
                }
                db.AuditEntries.Add(new AuditEntry(user.RequiredMemberId(), created ? "vocabulary.added" : "vocabulary.changed", "vocabulary_term", null, time.GetUtcNow(),
                    $"{term.Kind}:{term.Code}:{(term.Active ? "active" : "retired")}"));
                await db.SaveChangesAsync(ct);
                return created ? TypedResults.Created($"/api/admin/vocabularies/{kind}/{term.Code}", VocabularyTermAdminView.Of(term)) : TypedResults.Ok(VocabularyTermAdminView.Of(term));
            })
            .WithName("SetVocabularyTerm").WithSummary("Add, relabel or retire a vocabulary term").ProducesProblems(400, 401, 403)
            .WithDescription("Adds (201) or changes (200) a term: labels in Japanese and English; active=false retires it (kept on profiles, not offered anew).");
    }
}
