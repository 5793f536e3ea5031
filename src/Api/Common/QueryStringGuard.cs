using Assemble.Api.Common.Json;

namespace Assemble.Api.Common;

/// <summary>
/// Query strings get the same rule as request bodies: a control character in any value (a NUL in <c>?q=</c> was a
/// 500 from PostgreSQL) is a 400 naming the parameter, before any endpoint runs.
/// </summary>
public static class QueryStringGuard
{
    public static IApplicationBuilder UseQueryStringGuard(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            foreach (var (name, values) in context.Request.Query)
            {
                if (CleanStringConverter.IsClean(name) && values.All(v => v is null || CleanStringConverter.IsClean(v))) continue;
                var field = CleanStringConverter.IsClean(name) ? name : "$query";
                await Problems.InvalidField(field, CleanStringConverter.Problem, "request.malformed").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
}
