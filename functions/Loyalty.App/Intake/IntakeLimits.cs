namespace Loyalty.App.Intake;

/// <summary>Limits applied to every intake request before anything else is read.</summary>
public static class IntakeLimits
{
    /// <summary>Largest body accepted, in bytes; a larger one is answered 413.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
}
