using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Assemble.Api.Auth;
using Assemble.Api.Common;
using Assemble.Api.Features.Admin;
using Assemble.Infrastructure;
using Assemble.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;

namespace Assemble.Api.Hosting;

/// <summary>The cross-cutting services every feature relies on: JSON rules, errors, identity, OpenAPI.</summary>
public static class ApiSetup
{
    public static IServiceCollection AddApiConventions(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        // A malformed body, query value or missing parameter throws, so the exception handler can answer 400 with details.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Status = status;
            context.ProblemDetails.Title ??= Problems.TitleOf(status);
            context.ProblemDetails.Extensions.TryAdd(Problems.CodeKey, Problems.DefaultCodeFor(status));
            context.ProblemDetails.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new Common.Json.CleanStringConverter());
        options.Converters.Add(new Common.Json.BoundedInstantConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(Common.Json.SingleLineStrings.Apply);
    }

    public static IServiceCollection AddAssembleIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RoleCacheOptions>().Bind(configuration.GetSection(RoleCacheOptions.Section));
        services.AddIdentityApiEndpoints<AppUser>(DependencyInjection.ConfigureIdentity).AddAssembleIdentityStores()
            .AddSignInManager<AssembleSignInManager>();
        services.AddScoped<IClaimsTransformation, RolesFromDatabase>();
        services.AddMemoryCache();
        services.AddSingleton<RoleCache>();
        services.AddSingleton<SessionStamps>();
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, StampWatcher>();
        // Cookies are re-checked against the account often enough that SessionStamps' window covers the rest.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = SessionStamps.CookieRecheck);
        services.AddAuthorization(o =>
        {
            AdminEndpoints.AddAdminPolicy(o);
            Features.Events.EventsEndpoints.AddOrganizerPolicy(o);
        });
        services.ConfigureApplicationCookie(o =>
        {
            // An API answers 401/403, never a redirect to a login page.
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddScoped<AccountBootstrap>();
        services.AddScoped<DemoData>();
        return services;
    }

    public static IServiceCollection AddAssembleOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Assemble API";
            document.Info.Description = "Members, credentials, events and referrals for support professionals (対人支援職). Errors are RFC 9457 problem details with a stable `code`.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The accessToken from POST /api/auth/login.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        });
    });
}
