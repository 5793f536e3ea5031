namespace Assemble.Infrastructure.Email;

public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Where .eml files are written; relative paths are resolved against the working directory.</summary>
    public string PickupDirectory { get; set; } = Path.Combine(".data", "mail");

    public string FromAddress { get; set; } = "no-reply@assemble.local";

    public string FromName { get; set; } = "Assemble";
}
