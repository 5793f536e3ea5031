namespace Assemble.Api.Common;

/// <summary>The small Japanese/English HTML pages a browser opens from a link in mail or from Stripe (no sign-in).</summary>
public static class HtmlPages
{
    public static IResult Page(string headingJa, string headingEn, string body, int status = 200, bool refresh = false)
        => Results.Content(
            $"""
             <!doctype html><html lang="ja"><meta charset="utf-8"><meta name="viewport" content="width=device-width">{(refresh ? "<meta http-equiv=\"refresh\" content=\"5\">" : "")}
             <title>{headingJa} / {headingEn} – Assemble</title>
             <body style="font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem">
             <h1>{headingJa}<br>{headingEn}</h1>
             {body}
             </body></html>
             """,
            "text/html; charset=utf-8", null, status);
}
