using Microsoft.AspNetCore.Mvc;
using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Assemble.Api.Common;
using Microsoft.AspNetCore.RateLimiting;

namespace Assemble.Api.Auth;

/// <summary>Limits on the account endpoints, per client IP and per account (the e-mail in the request).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int LoginPerIpPerMinute { get; set; } = 20;
    public int LoginPerAccountPerMinute { get; set; } = 5;
    public int RegisterPerIpPerHour { get; set; } = 10;
    public int PasswordResetPerIpPerHour { get; set; } = 10;
    public int PasswordResetPerAccountPerHour { get; set; } = 5;
}

/// <summary>
/// The built-in rate limiter, chained: one limiter keyed by client IP and one keyed by account. Limits are kept
/// in each process's memory, so with N instances behind a balancer a client gets at most N times the limit.
/// </summary>
public static class AuthRateLimits
{
    private const string AccountItem = "assemble:rate_limit_account";

    private enum Kind { None, Login, Register, PasswordReset, AccountDeletion }

    public static IServiceCollection AddAuthRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(ByIp),
                PartitionedRateLimiter.Create<HttpContext, string>(ByAccount));

            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var details = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = Problems.TitleOf(429),
                    Detail = $"Too many attempts. Try again in {seconds} seconds.",
                };
                details.Extensions[Problems.CodeKey] = "rate_limited";
                var writer = rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await writer.WriteAsync(new ProblemDetailsContext { HttpContext = rejected.HttpContext, ProblemDetails = details });
            };
        });
        return services;
    }

    /// <summary>Reads the e-mail from an account request's JSON body (left readable for the endpoint) to key the per-account limit.</summary>
    public static IApplicationBuilder UseAccountKeyForRateLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (KindOf(context) is Kind.Login or Kind.PasswordReset && context.Request.ContentLength is > 0 and < 16_384)
        {
            context.Request.EnableBuffering();
            try
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("email", out var email)
                    && email.ValueKind == JsonValueKind.String)
                {
                    context.Items[AccountItem] = email.GetString()!.Trim().ToUpperInvariant();
                }
            }
            catch (JsonException)
            {
                // The endpoint itself answers malformed JSON with a 400.
            }
            context.Request.Body.Position = 0;
        }
        await next(context);
    });

    private static Kind KindOf(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method)) return Kind.None;
        var path = context.Request.Path.Value ?? "";
        return path.ToLowerInvariant() switch
        {
            "/api/auth/login" => Kind.Login,
            "/api/auth/register" => Kind.Register,
            "/api/auth/forgotpassword" or "/api/auth/resetpassword" or "/api/auth/resendconfirmationemail" => Kind.PasswordReset,
            // It checks a password, so it is limited like a sign-in (per account, the lockout after five wrong ones).
            "/api/me/account/deletion" => Kind.AccountDeletion,
            _ => Kind.None,
        };
    }

    private static RateLimitPartition<string> ByIp(HttpContext context)
    {
        var kind = KindOf(context);
        if (kind == Kind.None) return RateLimitPartition.GetNoLimiter("none");
        var limits = Limits(context);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return kind switch
        {
            Kind.Login or Kind.AccountDeletion => Window($"login-ip:{ip}", limits.LoginPerIpPerMinute, TimeSpan.FromMinutes(1)),
            Kind.Register => Window($"register-ip:{ip}", limits.RegisterPerIpPerHour, TimeSpan.FromHours(1)),
            _ => Window($"reset-ip:{ip}", limits.PasswordResetPerIpPerHour, TimeSpan.FromHours(1)),
        };
    }

    private static RateLimitPartition<string> ByAccount(HttpContext context)
    {
        var kind = KindOf(context);
        if (context.Items[AccountItem] is not string account || kind is not (Kind.Login or Kind.PasswordReset))
            return RateLimitPartition.GetNoLimiter("none");
        var limits = Limits(context);
        return kind == Kind.Login
            ? Window($"login-account:{account}", limits.LoginPerAccountPerMinute, TimeSpan.FromMinutes(1))
            : Window($"reset-account:{account}", limits.PasswordResetPerAccountPerHour, TimeSpan.FromHours(1));
    }

    private static RateLimitOptions Limits(HttpContext context)
        => context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window)
        => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
