using System.Security.Claims;
using Assemble.Domain.Members;

namespace Assemble.Api.Common;

public static class CurrentUser
{
    /// <summary>The signed-in member's id, or null for anonymous callers.</summary>
    public static Guid? MemberId(this ClaimsPrincipal user)
        => user.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The signed-in member's id; only for endpoints that require authentication.</summary>
    public static Guid RequiredMemberId(this ClaimsPrincipal user)
        => user.MemberId() ?? throw new InvalidOperationException("This endpoint requires an authenticated member.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);
}
