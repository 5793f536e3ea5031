using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class VocabularyTermConfiguration : IEntityTypeConfiguration<VocabularyTerm>
{
    public void Configure(EntityTypeBuilder<VocabularyTerm> builder)
    {
        builder.ToTable("VocabularyTerms");
        builder.HasKey(t => new { t.Kind, t.Code });
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Code).HasMaxLength(60);
        builder.Property(t => t.LabelJa).HasMaxLength(100).IsRequired();
        builder.Property(t => t.LabelEn).HasMaxLength(100).IsRequired();
    }
}

public sealed class PracticeProfileConfiguration : IEntityTypeConfiguration<PracticeProfile>
{
    public void Configure(EntityTypeBuilder<PracticeProfile> builder)
    {
        builder.ToTable("PracticeProfiles", t => t.HasCheckConstraint("ck_practice_profiles_fees", "fee_min_yen IS NULL OR fee_max_yen IS NULL OR fee_min_yen <= fee_max_yen"));
        builder.HasKey(p => p.MemberId);
        builder.HasOne<AppUser>().WithOne().HasForeignKey<PracticeProfile>(p => p.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.PrimitiveCollection(p => p.Specialties).IsRequired();
        builder.PrimitiveCollection(p => p.Modalities).IsRequired();
        builder.PrimitiveCollection(p => p.Languages).IsRequired();
        builder.PrimitiveCollection(p => p.AgeGroups).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.PrimitiveCollection(p => p.Delivery).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.PrimitiveCollection(p => p.OnlinePrefectures).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.PrimitiveCollection(p => p.Settings).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.Property(p => p.Locations).AsJson().IsRequired();
        builder.Property(p => p.Acceptance).HasConversion<string>().HasMaxLength(20);
        // The directory's facets.
        builder.HasIndex(p => p.Specialties).HasMethod("gin");
        builder.HasIndex(p => p.Modalities).HasMethod("gin");
    }
}
