using System.Collections.Immutable;
using Hearth.Templates.Functions;

namespace Hearth.Templates.Versions;

/// <summary>
/// A HOT version (<c>heat_template_version</c>): a date, optionally a release name, and what it allows.
/// Ordered by date; features are asked for with <see cref="AtLeast"/>.
/// </summary>
public sealed class TemplateVersion
{
    private readonly Lazy<FunctionTable> _functions;
    private readonly Lazy<FunctionTable> _conditionFunctions;

    private TemplateVersion(string date, string? releaseName, int order)
    {
        Date = date;
        ReleaseName = releaseName;
        Order = order;
        _functions = new(() => FunctionCatalog.For(this, conditionContext: false));
        _conditionFunctions = new(() => FunctionCatalog.For(this, conditionContext: true));
    }

    public string Date { get; }

    public string? ReleaseName { get; }

    private int Order { get; }

    public static readonly TemplateVersion V2013_05_23 = new("2013-05-23", null, 0);
    public static readonly TemplateVersion V2014_10_16 = new("2014-10-16", null, 1);
    public static readonly TemplateVersion V2015_04_30 = new("2015-04-30", null, 2);
    public static readonly TemplateVersion V2015_10_15 = new("2015-10-15", null, 3);
    public static readonly TemplateVersion V2016_04_08 = new("2016-04-08", null, 4);
    public static readonly TemplateVersion V2016_10_14 = new("2016-10-14", "newton", 5);
    public static readonly TemplateVersion V2017_02_24 = new("2017-02-24", "ocata", 6);
    public static readonly TemplateVersion V2017_09_01 = new("2017-09-01", "pike", 7);
    public static readonly TemplateVersion V2018_03_02 = new("2018-03-02", "queens", 8);
    public static readonly TemplateVersion V2018_08_31 = new("2018-08-31", "rocky", 9);
    public static readonly TemplateVersion V2021_04_16 = new("2021-04-16", "wallaby", 10);

    public static ImmutableArray<TemplateVersion> All { get; } =
    [
        V2013_05_23, V2014_10_16, V2015_04_30, V2015_10_15, V2016_04_08, V2016_10_14,
        V2017_02_24, V2017_09_01, V2018_03_02, V2018_08_31, V2021_04_16,
    ];

    /// <summary>Every value accepted for <c>heat_template_version</c>, dates and release names.</summary>
    public static ImmutableArray<string> AcceptedValues { get; } =
        [.. All.Select(v => v.Date), .. All.Where(v => v.ReleaseName is not null).Select(v => v.ReleaseName!)];

    public static TemplateVersion? Find(string value) =>
        All.FirstOrDefault(v => v.Date == value || v.ReleaseName == value);

    public bool AtLeast(TemplateVersion other) => Order >= other.Order;

    /// <summary>The functions usable in resources, outputs and other values.</summary>
    public FunctionTable Functions => _functions.Value;

    /// <summary>The functions usable in the <c>conditions</c> section, <c>condition</c> keys and the first argument of <c>if</c>.</summary>
    public FunctionTable ConditionFunctions => _conditionFunctions.Value;

    /// <summary>The <c>conditions</c> section, resource/output <c>condition</c> and <c>external_id</c> exist from 2016-10-14.</summary>
    public bool SupportsConditions => AtLeast(V2016_10_14);

    public override string ToString() => ReleaseName is null ? Date : $"{Date} ({ReleaseName})";
}
