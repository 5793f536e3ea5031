namespace Assemble.Domain.Members;

/// <summary>Who may see a profile field. Ordered: a viewer sees a field when the viewer's level is at least the field's.</summary>
public enum Visibility
{
    Public = 0,
    Members = 1,
    VerifiedProfessionals = 2,
    OnlyMe = 3,
}

/// <summary>What a viewer is, relative to a profile: decides which fields they see.</summary>
public enum ViewerLevel
{
    Anonymous = 0,
    Member = 1,
    VerifiedProfessional = 2,
    /// <summary>The owner or an admin.</summary>
    Owner = 3,
}

public static class VisibilityRules
{
    public static bool CanSee(this ViewerLevel viewer, Visibility field) => (int)viewer >= (int)field;
}
