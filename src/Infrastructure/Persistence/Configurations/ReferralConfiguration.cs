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

public sealed class ReferralRequestConfiguration : IEntityTypeConfiguration<ReferralRequest>
{
    public void Configure(EntityTypeBuilder<ReferralRequest> builder)
    {
        builder.ToTable("ReferralRequests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.RequesterId).OnDelete(DeleteBehavior.Cascade);
        builder.PrimitiveCollection(r => r.WantedProfessions).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.PrimitiveCollection(r => r.Specialties).IsRequired();
        builder.PrimitiveCollection(r => r.Modalities).IsRequired();
        builder.PrimitiveCollection(r => r.Languages).IsRequired();
        builder.PrimitiveCollection(r => r.Delivery).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.PrimitiveCollection(r => r.Area).IsRequired().ElementType(e => e.HasConversion<string>());
        builder.Property(r => r.AgeGroup).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Urgency).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Note).HasMaxLength(ReferralRequest.NoteMaxLength);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.RequesterContact).AsJsonValue();
        builder.HasIndex(r => new { r.RequesterId, r.Id });
        // The retention job's scan.
        builder.HasIndex(r => r.ClosedAt).HasFilter("closed_at IS NOT NULL");
        builder.HasMany(r => r.Introductions).WithOne().HasForeignKey(i => i.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(r => r.Introductions).AutoInclude(false);
    }
}

public sealed class IntroductionConfiguration : IEntityTypeConfiguration<Introduction>
{
    public void Configure(EntityTypeBuilder<Introduction> builder)
    {
        builder.ToTable("Introductions");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(i => i.InviteeId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.DeclineReason).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.InviteeContact).AsJsonValue();
        // Nobody is invited twice to one request; "my introductions" reads by invitee.
        builder.HasIndex(i => new { i.RequestId, i.InviteeId }).IsUnique();
        builder.HasIndex(i => new { i.InviteeId, i.Id });
        // The expiry job's scan.
        builder.HasIndex(i => i.RespondBy).HasFilter("status = 'Sent'");
    }
}
