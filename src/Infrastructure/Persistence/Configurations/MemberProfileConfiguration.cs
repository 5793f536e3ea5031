using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class MemberProfileConfiguration : IEntityTypeConfiguration<MemberProfile>
{
    public void Configure(EntityTypeBuilder<MemberProfile> builder)
    {
        builder.ToTable("MemberProfiles");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasOne<AppUser>().WithOne().HasForeignKey<MemberProfile>(p => p.Id).OnDelete(DeleteBehavior.Cascade);

        builder.Property(p => p.DisplayName).HasMaxLength(MemberProfile.DisplayNameMaxLength).IsRequired();
        builder.Property(p => p.NameKana).HasMaxLength(MemberProfile.NameKanaMaxLength);
        builder.Property(p => p.Organisation).HasMaxLength(MemberProfile.OrganisationMaxLength);
        builder.Property(p => p.Bio).HasMaxLength(MemberProfile.BioMaxLength);
        builder.Property(p => p.Prefecture).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.PreferredLanguage).HasConversion<string>().HasMaxLength(2);

        builder.PrimitiveCollection(p => p.Professions)
            .HasField("_professions")
            .UsePropertyAccessMode(PropertyAccessMode.Field)
            .IsRequired()
            .ElementType(e => e.HasConversion<string>());
        builder.PrimitiveCollection(p => p.Interests)
            .HasField("_interests")
            .UsePropertyAccessMode(PropertyAccessMode.Field)
            .IsRequired();

        builder.HasIndex(p => p.Professions).HasMethod("gin");
        builder.HasIndex(p => p.Prefecture);
        builder.HasIndex(p => p.CreatedAt);
    }
}
