using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Assemble.Infrastructure.Identity;

/// <summary>
/// Refuses passwords found in a list of commonly used passwords, and passwords that are the account's own
/// e-mail address or its local part (OWASP ASVS 5.0, V6.2). Length is checked by Identity's own options.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    private static readonly Lazy<HashSet<string>> CommonPasswords = new(Load);

    public static int ListSize => CommonPasswords.Value.Count;

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        var lowered = password.ToLowerInvariant();
        if (CommonPasswords.Value.Contains(lowered))
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooCommon",
                Description = "This password is on a list of commonly used passwords. Choose another.",
            }));

        var email = user.Email?.ToLowerInvariant();
        var localPart = email?.Split('@')[0];
        if (email is not null && (lowered == email || (localPart!.Length >= 4 && lowered.Contains(localPart))))
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordContainsEmail",
                Description = "The password must not contain your e-mail address.",
            }));

        return Task.FromResult(IdentityResult.Success);
    }

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Assemble.Infrastructure.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var entry = line.Trim();
            if (entry.Length == 0 || entry.StartsWith('#')) continue;
            set.Add(entry.ToLowerInvariant());
        }
        return set;
    }
}
