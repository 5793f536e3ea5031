namespace Assemble.Api.Hosting;

/// <summary>
/// The response headers every answer carries (OWASP ASVS 3.4, 8.1): no content sniffing, no referrer, no caching
/// unless an endpoint chose its own Cache-Control (responses carry personal data more often than not, and a shared
/// cache must never keep one), and on HTML pages a content security policy that forbids framing. HSTS is added by
/// <c>UseHsts</c> outside Development.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Our own HTML (the unsubscribe page, the simulated checkout, the checkout return pages): no scripts at all.</summary>
    public const string PagePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Swagger UI and the jobs dashboard run their own scripts from this origin.</summary>
    public const string ToolPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    var path = context.Request.Path;
                    headers.ContentSecurityPolicy = path.StartsWithSegments("/docs") || path.StartsWithSegments(ScheduledJobs.DashboardPath) ? ToolPolicy : PagePolicy;
                    headers.XFrameOptions = "DENY";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
}
