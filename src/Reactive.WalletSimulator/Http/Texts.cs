using Microsoft.AspNetCore.Http;
using Reactive.WalletSimulator.Wallet;

namespace Reactive.WalletSimulator.Http;

/// <summary>Answers and request values as the endpoints read and write them.</summary>
internal static class Texts
{
    /// <summary>A text answer, as the course's simulator gives.</summary>
    public static IResult Text(Answer answer) => Results.Text(answer.Text, "text/plain; charset=utf-8", statusCode: answer.Status);

    /// <summary>The one value of <paramref name="name"/> (null when absent), or an error when it is given more than once.</summary>
    public static string? Single(IQueryCollection query, string name, ref string? error) => Single(query[name], name, ref error);

    public static string? Single(Microsoft.Extensions.Primitives.StringValues values, string name, ref string? error)
    {
        if (values.Count > 1)
        {
            error ??= $"{name} is given more than once";
            return null;
        }

        return values.Count == 0 ? null : values[0];
    }
}
