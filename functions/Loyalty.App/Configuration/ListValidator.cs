using Microsoft.Extensions.Options;

namespace Loyalty.App.Configuration;

/// <summary>Validates options with a function that lists every problem, each naming its setting.</summary>
public sealed class ListValidator<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T>
    where T : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
