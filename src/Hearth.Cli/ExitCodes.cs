namespace Hearth.Cli;

/// <summary>The exit codes of SPEC §4; scripts depend on them, so they never change.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int OperationFailed = 1;
    public const int UsageOrTemplateError = 2;
    public const int StackBusy = 3;
    public const int NotFound = 4;

    /// <summary>The state cannot be used: damaged or not Hearth's, not writable (disk full, read-only), or not private.</summary>
    public const int StateUnusable = 5;

    /// <summary>A <c>hearth server</c> refused the token: none or an unknown one (401), or a read-only one writing (403).</summary>
    public const int AccessDenied = 6;

    /// <summary>The process ran out of memory (EX_OSERR of sysexits: a resource of the system ran out); after SPEC §4's codes.</summary>
    public const int OutOfMemory = 71;
}
