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
                var nameClean = CleanStringConverter.IsClean(name);
                var valuesClean = true;
                foreach (var value in values)
                    if (value is not null && !CleanStringConverter.IsClean(value)) valuesClean = false;
                if (nameClean && valuesClean) continue;
                await Problems.InvalidField(nameClean ? name : "$query", CleanStringConverter.Problem, "request.malformed").ExecuteAsync(context);
                return;
            }
            await next(context);
        });
}
