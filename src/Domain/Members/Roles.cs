namespace Assemble.Domain.Members;

/// <summary>The roles a member can hold. Every account is a member; organizer and admin are granted.</summary>
public static class Roles
{
    public const string Member = "member";
    public const string Organizer = "organizer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Member, Organizer, Admin];

    public static bool IsKnown(string role) => All.Contains(role);
}
