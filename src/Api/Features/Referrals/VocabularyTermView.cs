using Assemble.Domain.Referrals;

namespace Assemble.Api.Features.Referrals;

/// <summary>One active term of the referral board's vocabularies (specialties, modalities), labelled in both languages.</summary>
public sealed record VocabularyTermView(VocabularyKind Kind, string Code, string LabelJa, string LabelEn);
