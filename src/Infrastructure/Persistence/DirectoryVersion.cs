using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// One row whose version deferred triggers bump at the commit of any change to practice profiles, credentials or
/// member profiles: the directory's in-memory index reloads when it moves (migration 20261122100000).
/// </summary>
public sealed class DirectoryVersion
{
    public int Id { get; private set; }
    public long Version { get; private set; }
}

public sealed class DirectoryVersionConfiguration : IEntityTypeConfiguration<DirectoryVersion>
{
    public void Configure(EntityTypeBuilder<DirectoryVersion> builder)
    {
        builder.ToTable("DirectoryVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
    }
}
