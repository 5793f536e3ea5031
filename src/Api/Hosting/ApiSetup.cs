using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Assemble.Api.Auth;
using Assemble.Api.Common;
using Assemble.Api.Common.OpenApi;
using Assemble.Api.Features.Admin;
using Assemble.Infrastructure;
using Assemble.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Http.Json;

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
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.Section));
        services.AddIdentityApiEndpoints<AppUser>(DependencyInjection.ConfigureIdentity).AddAssembleIdentityStores()
            .AddSignInManager<AssembleSignInManager>();
        services.AddScoped<IClaimsTransformation, RolesFromDatabase>();
        services.AddMemoryCache();
        services.AddSingleton(sp => new AccessStamp(sp.GetRequiredService<Npgsql.NpgsqlDataSource>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccessOptions>>(), sp.GetRequiredService<TimeProvider>()));
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

    /// <summary>/openapi/v1.json: named schemas, per-operation security, problem shapes (the rules live in Common/OpenApi).</summary>
    public static IServiceCollection AddAssembleOpenApi(this IServiceCollection services)
    {
        var names = new SchemaNames();
        return services.AddOpenApi(o =>
        {
            o.CreateSchemaReferenceId = names.For;
            o.AddSchemaTransformer(SchemaRules.ApplyAsync);
            o.AddOperationTransformer(OperationRules.ApplyAsync);
            o.AddDocumentTransformer(DocumentRules.ApplyAsync);
        });
    }
}
