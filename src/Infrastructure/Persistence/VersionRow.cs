namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// The version of one kind of copy the processes keep in memory, which deferred triggers bump at the commit of any
/// change to what that copy holds (docs/decisions/0007-kept-copies-go-stale-by-version-rows.md): <see cref="Directory"/>
/// for practice profiles, verified credentials and member profiles; <see cref="Access"/> for roles and security stamps.
/// </summary>
public sealed class VersionRow
{
    public const string Directory = "directory";
    public const string Access = "access";

    public string Name { get; private set; } = "";
    public long Version { get; private set; }
}
